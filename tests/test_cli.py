"""The command-line tools fail like command-line tools: one line, `error: ...`, exit status 2."""

import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.subprocess


def run(module, *args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=300, cwd=cwd)


def assert_one_line_error(done, *fragments):
    lines = [line for line in done.stderr.splitlines() if "error:" in line]
    assert done.returncode == 2, done.stderr[-2000:]
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert len(lines) == 1, done.stderr[-2000:]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_train_reports_a_misspelt_config_key_with_the_fix(tmp_path):
    done = run("ganzoo.train", "--config=zoo_configs/zoo.py:wgan-gp,ring8,smoke", "--config.model.n_critc=3",
               f"--workdir={tmp_path / 'run'}")
    assert_one_line_error(done, "n_critc", 'Did you mean "n_critic"')
    assert not (tmp_path / "run").exists()


def test_eval_and_sample_report_bad_arguments_in_one_line(tmp_path):
    assert_one_line_error(run("ganzoo.evaluate", "--preset=wgan-gp-ring8", f"--out={tmp_path}", "--metrics=fidd"),
                          "unknown metrics ['fidd']")
    assert_one_line_error(run("ganzoo.evaluate", "--preset=wgan-gp-ring8", f"--out={tmp_path}", "--seed=-1"),
                          "--seed must be >= 0")
    assert_one_line_error(run("ganzoo.sample", "wgan-gp-ring8", "--columns=0", f"--out={tmp_path / 'x.png'}"),
                          "--columns must be >= 1")
    assert_one_line_error(run("ganzoo.sample", "./no/such/folder", f"--out={tmp_path / 'x.png'}"),
                          "no such file or folder")
    (tmp_path / "file").write_text("")
    assert_one_line_error(run("ganzoo.sample", "wgan-gp-ring8", f"--out={tmp_path / 'file' / 'x.png'}"),
                          "is not a folder that can be written")
    assert_one_line_error(run("ganzoo.sample", "wgan-gp-ring8", f"--num={10**12}", "--out="), "iter_generate")
    assert not (tmp_path / "x.png").exists()


def test_export_scripts_report_a_bad_preset_in_one_line(tmp_path):
    done = subprocess.run([sys.executable, "export/export_model.py", "--preset=wgan-gp-mnist", f"--out={tmp_path / 'x'}"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert_one_line_error(done, "Unknown preset 'wgan-gp-mnist'", "wgan-gp-mnist28")
    assert not (tmp_path / "x").exists()
