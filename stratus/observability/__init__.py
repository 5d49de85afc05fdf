"""What operators watch: /healthcheck, Prometheus /metrics and the API
access log (docs/operations.md)."""
