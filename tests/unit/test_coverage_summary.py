"""tools/coverage_summary.py: the figures per package of coverage.json."""
import importlib.util
import json
import pathlib

_TOOL = pathlib.Path(__file__).resolve().parents[2] / "tools" / "coverage_summary.py"


def _tool():
    spec = importlib.util.spec_from_file_location("coverage_summary", _TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _summary(statements, lines, branches, covered_branches):
    return {"summary": {"num_statements": statements, "covered_lines": lines,
                        "num_branches": branches,
                        "covered_branches": covered_branches}}


def test_files_add_up_per_package(tmp_path, capsys):
    report = tmp_path / "coverage.json"
    report.write_text(json.dumps({"files": {
        "stratus/conductor/manager.py": _summary(100, 50, 10, 5),
        "/abs/stratus/conductor/tasks/build.py": _summary(100, 100, 10, 10),
        "stratus/api/placement/app.py": _summary(10, 10, 0, 0)}}))
    assert _tool().main([str(report), "stratus/conductor/",
                         "stratus/api/placement/", "stratus/virt/"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["stratus/conductor/", "lines", "75.0%",
                              "(150/200)", "branches", "75.0%", "(15/20)"]
    assert "lines 100.0% (10/10)  branches 100.0% (0/0)" in out[1]
    assert "(0/0)" in out[2]
