"""The conductor: orchestrates builds and proxies computes' database
writes. Each orchestration task lives in its own module under tasks/."""
