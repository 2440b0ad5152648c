"""benchmarks/zoo28.py: the budget is compare_gan's, the search stays within six points, the best point
is the lowest classifier-FID, and a stage resumes instead of retraining."""

import importlib.util
import json
import os

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope="module")
def zoo28():
    spec = importlib.util.spec_from_file_location("zoo28", os.path.join(ROOT, "benchmarks", "zoo28.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.RECORD = None  # the repository's record stays out of the tests; test_a_lost_runs_folder sets its own
    return module


def test_the_budget_counts_discriminator_updates_as_compare_gan_does(zoo28):
    assert zoo28.D_UPDATES == 15_625  # 20 epochs of 50,000 images at batch 64
    assert zoo28.steps_of("nsgan", "mnist28", {}) == 15_625
    # n_critic 5: one generator step per 5 critic updates (a shipped recipe may have chosen another n_critic)
    assert zoo28.steps_of("wgan-gp", "mnist28", {"model.n_critic": 5}) == 3_125
    assert zoo28.steps_of("wgan-gp", "mnist28", {"model.n_critic": 1}) == 15_625
    assert zoo28.steps_of("nsgan", "mnist28", {}, zoo28.SEARCH_FRACTION) == 3_900
    assert zoo28.steps_of("wgan", "mnist28", {"model.n_critic": 5}, zoo28.SEARCH_FRACTION) == 750


def test_every_variant_searches_at_most_six_distinct_points_starting_from_its_recipe(zoo28):
    assert set(zoo28.GRIDS) == set(zoo28.VARIANTS)
    for variant, points in zoo28.GRIDS.items():
        names = [zoo28.point_name(p) for p in points]
        assert len(points) <= 6 and len(set(names)) == len(names) and names[0] == "recipe", variant
    assert zoo28.flags_of({"lr": 1e-4, "model.ema_decay": 0.999}) == [
        "--config.d_optimizer.learning_rate=0.0001", "--config.g_optimizer.learning_rate=0.0001",
        "--config.model.ema_decay=0.999"]


def test_the_best_point_waits_for_the_whole_search_and_takes_the_lowest_fid(zoo28, tmp_path):
    points = zoo28.GRIDS["nsgan"]
    for i, point in enumerate(points):
        assert zoo28.best_point(str(tmp_path), "mnist28", "nsgan") is None
        workdir = zoo28.workdir_of(str(tmp_path), "mnist28", "nsgan", point, "search")
        os.makedirs(workdir)
        with open(os.path.join(workdir, "metrics.json"), "w") as f:
            json.dump({"steps": 10}, f)
        with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
            f.write(json.dumps({"step": 10, "seconds": 5.0, "classifier_fid": 10.0 - i if i != 2 else 0.5}) + "\n")
    assert zoo28.best_point(str(tmp_path), "mnist28", "nsgan") == points[2]
    # a finished run is read back, not retrained
    best = zoo28.workdir_of(str(tmp_path), "mnist28", "nsgan", points[2], "search")
    assert zoo28.train("nsgan", "mnist28", points[2], 10, best, data_dir="/nonexistent")["classifier_fid"] == 0.5
    table = zoo28.report(str(tmp_path), out=str(tmp_path / "out"))
    assert "| nsgan |" in (tmp_path / "out" / "results.md").read_text()
    assert table["mnist28"]["nsgan"]["best"] == zoo28.point_name(points[2])


def test_a_lost_runs_folder_keeps_the_recorded_search_full_run_and_shipped_fid(zoo28, tmp_path, monkeypatch):
    # a machine handed back without runs/: the best point, the table and the FID-10k come from the record
    # (and the shipped preset's metadata); a point that ran again wins over its record
    points = zoo28.GRIDS["lsgan"]
    record = {"mnist28": {"lsgan": {"search": [{"point": "recipe", "classifier_fid": 75.0},
                                               {"point": "lr0.0005", "classifier_fid": 60.0}],
                                    "best": "lr0.0005",
                                    "full": {"classifier_fid": 37.2, "ema": None, "fid10k": None}}},
              "mnist28_cond": {"mismatched_negatives_on": {"label_accuracy": 0.9, "classifier_fid": 30.0}}}
    (tmp_path / "record.json").write_text(json.dumps(record))
    monkeypatch.setattr(zoo28, "RECORD", str(tmp_path / "record.json"))
    runs = str(tmp_path / "runs")
    assert zoo28.best_point(runs, "mnist28", "lsgan") == points[1]
    assert zoo28.best_point(runs, "fashion28", "lsgan") == points[1]  # Fashion trains MNIST's point
    assert zoo28.best_point(runs, "mnist28", "wgan") is None  # nothing run, nothing recorded
    monkeypatch.setattr(zoo28, "shipped_fid10k", lambda name: 16.3 if name == "lsgan-mnist28" else None)
    table = zoo28.report(runs, out=str(tmp_path / "out"))
    assert table["mnist28"]["lsgan"]["full"] == {"classifier_fid": 37.2, "ema": None, "fid10k": 16.3}
    assert [p["classifier_fid"] for p in table["mnist28"]["lsgan"]["search"]] == [75.0, 60.0]
    assert table["mnist28_cond"]["mismatched_negatives_on"]["label_accuracy"] == 0.9
    assert "| lsgan | recipe 75.00, lr0.0005 60.00 | lr0.0005 |" in (tmp_path / "out" / "results.md").read_text()
    workdir = zoo28.workdir_of(runs, "mnist28", "lsgan", points[0], "search")
    os.makedirs(workdir)
    (tmp_path / "runs" / "mnist28" / "lsgan" / "search_recipe" / "metrics.json").write_text('{"steps": 10}')
    with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
        f.write(json.dumps({"step": 10, "seconds": 5.0, "classifier_fid": 50.0}) + "\n")
    assert zoo28.best_point(runs, "mnist28", "lsgan") == points[0]


def test_a_recorded_point_is_not_retrained_and_a_full_run_the_search_moved_past_stays_on_record(
        zoo28, tmp_path, monkeypatch):
    # runs/ lost, and the grid grew by a point after the full run: search trains only the new point, the
    # earlier full run moves to "superseded", and comes back (without retraining) if its point wins again
    monkeypatch.setitem(zoo28.GRIDS, "lsgan", ({}, {"lr": 5e-4}))
    full = {"classifier_fid": 233.0, "ema": None, "fid10k": 224.0}
    record = {"mnist28": {"lsgan": {"search": [{"point": "recipe", "classifier_fid": 75.0}],
                                    "best": "recipe", "full": full}}}
    (tmp_path / "record.json").write_text(json.dumps(record))
    monkeypatch.setattr(zoo28, "RECORD", str(tmp_path / "record.json"))
    runs = str(tmp_path / "runs")
    trained = []
    monkeypatch.setattr(zoo28, "train", lambda variant, dataset, point, *args, **kwargs: trained.append(point))
    zoo28.search(runs, "mnist28", ["lsgan"], "data")
    assert trained == [{"lr": 5e-4}]
    table = zoo28.report(runs, out=str(tmp_path / "out"))
    assert "best" not in table["mnist28"]["lsgan"] and "full" not in table["mnist28"]["lsgan"]
    assert table["mnist28"]["lsgan"]["superseded"] == [{"best": "recipe", "full": full}]
    (tmp_path / "record.json").write_text(json.dumps(table))
    record = table["mnist28"]["lsgan"]
    record["search"].append({"point": "lr0.0005", "classifier_fid": 90.0})  # the new point lost
    (tmp_path / "record.json").write_text(json.dumps(table))
    zoo28.full(runs, "mnist28", ["lsgan"], "data")
    assert trained == [{"lr": 5e-4}]  # the recipe's full run is on record: not retrained
    table = zoo28.report(runs, out=str(tmp_path / "out"))
    assert table["mnist28"]["lsgan"]["best"] == "recipe" and table["mnist28"]["lsgan"]["full"] == full
    assert "superseded" not in table["mnist28"]["lsgan"]

def test_a_full_run_lost_before_packaging_is_retrained_and_a_packaged_one_is_not(zoo28, tmp_path, monkeypatch):
    record = {"mnist28": {"lsgan": {"search": [{"point": "recipe", "classifier_fid": 75.0}], "best": "recipe",
                                    "full": {"classifier_fid": 20.0, "ema": None, "fid10k": None}},
                          "gan": {"search": [{"point": "recipe", "classifier_fid": 70.0}], "best": "recipe",
                                  "full": {"classifier_fid": 19.0, "ema": None, "fid10k": 14.0}}}}
    (tmp_path / "record.json").write_text(json.dumps(record))
    monkeypatch.setattr(zoo28, "RECORD", str(tmp_path / "record.json"))
    monkeypatch.setitem(zoo28.GRIDS, "lsgan", ({},))
    monkeypatch.setitem(zoo28.GRIDS, "gan", ({},))
    trained = []
    monkeypatch.setattr(zoo28, "train", lambda variant, *args, **kwargs: trained.append(variant))
    zoo28.full(str(tmp_path / "runs"), "mnist28", ["lsgan", "gan"], "data")
    assert trained == ["lsgan"]


def test_shipped_fid10k_reads_only_a_preset_this_benchmark_measured_at_the_protocol(zoo28):
    assert zoo28.shipped_fid10k("nsgan-mnist28") == pytest.approx(14.96, abs=0.01)  # packaged by --stage=package
    assert zoo28.shipped_fid10k("wgan-gp-ring8") is None  # a toy preset: no budget, no FID
    assert zoo28.shipped_fid10k("no-such-preset") is None


def test_a_nets_point_is_measured_but_never_the_full_run(zoo28, tmp_path):
    points = zoo28.GRIDS["nsgan"]
    for point in points:
        workdir = zoo28.workdir_of(str(tmp_path), "mnist28", "nsgan", point, "search")
        os.makedirs(workdir)
        with open(os.path.join(workdir, "metrics.json"), "w") as f:
            json.dump({"steps": 10}, f)
        with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
            fid = 1.0 if "nets" in point else 2.0 + len(zoo28.point_name(point))
            f.write(json.dumps({"step": 10, "seconds": 5.0, "classifier_fid": fid}) + "\n")
    assert zoo28.best_point(str(tmp_path), "mnist28", "nsgan") == {}  # "recipe" is the shortest name


def test_the_full_run_trains_the_best_point_with_an_ema_and_then_chooses(zoo28, tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(zoo28, "best_point", lambda runs, dataset, variant: {"lr": 5e-4})
    monkeypatch.setattr(zoo28, "train", lambda *args, **kwargs: calls.append(("train", args, kwargs)) or {"steps": 1})
    monkeypatch.setattr(zoo28, "ema_choice", lambda workdir, *args: calls.append(("ema", workdir)))
    zoo28.full(str(tmp_path), "mnist28", ["nsgan"], "/data")
    (_, args, kwargs), (_, ema_workdir) = calls
    assert args[2] == {"lr": 5e-4, "model.ema_decay": 0.999} and args[3] == 15_625 and kwargs == {"stage": "full"}
    assert args[4] == ema_workdir == zoo28.workdir_of(str(tmp_path), "mnist28", "nsgan", {"lr": 5e-4}, "full")


def test_ema_choice_scores_the_average_and_the_generators_own_weights(zoo28, tmp_path, monkeypatch):
    import ganzoo.saving
    from ganzoo import configs, training
    from helpers import shared_data

    config = configs.load_paper_config("nsgan", "mnist28", "smoke")
    with config.unlocked():
        config.data_dir, config.steps, config.model.ema_decay = shared_data("mnist"), 4, 0.5
    training.train_and_evaluate(config, str(tmp_path))
    monkeypatch.setattr(zoo28, "EVAL_SAMPLES", 200)
    result = zoo28.ema_choice(str(tmp_path), "mnist28", config.data_dir)
    assert result["ema_decay"] == 0.5 and result["ema"] != result["raw"]  # two different generators
    assert result["use_ema"] == (result["ema"] < result["raw"])
    assert json.load(open(tmp_path / "ema.json")) == result
    monkeypatch.setattr(ganzoo.saving, "load_model", None)
    assert zoo28.ema_choice(str(tmp_path), "mnist28", config.data_dir) == result  # read back, not rescored


def _finished_search_and_full(zoo28, runs, variant, best_index, ema):
    for i, point in enumerate(zoo28.GRIDS[variant]):
        workdir = zoo28.workdir_of(runs, "mnist28", variant, point, "search")
        os.makedirs(workdir)
        json.dump({"steps": 10}, open(os.path.join(workdir, "metrics.json"), "w"))
        with open(os.path.join(workdir, "metrics.jsonl"), "w") as f:
            f.write(json.dumps({"step": 10, "seconds": 1.0, "classifier_fid": 1.0 if i == best_index else 9.0}) + "\n")
    full = zoo28.workdir_of(runs, "mnist28", variant, zoo28.GRIDS[variant][best_index], "full")
    os.makedirs(full)
    json.dump(ema, open(os.path.join(full, "ema.json"), "w"))


def test_write_config_records_the_point_the_ema_choice_and_the_budget_in_a_loadable_recipe(zoo28, tmp_path):
    import shutil

    from ganzoo import configs

    runs, root = str(tmp_path / "runs"), tmp_path / "repo"
    _finished_search_and_full(zoo28, runs, "nsgan", 4, {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    _finished_search_and_full(zoo28, runs, "ebgan", 1, {"ema_decay": 0.999, "ema": 7.0, "raw": 6.0, "use_ema": False})
    os.makedirs(root / "zoo_configs" / "ebgan")
    shutil.copy(os.path.join(ROOT, "zoo_configs", "ebgan", "mnist28.py"), root / "zoo_configs" / "ebgan")
    for _ in range(2):  # a second write replaces the block, never adds one
        nsgan = zoo28.write_config(runs, "mnist28", "nsgan", root=str(root))
        ebgan = zoo28.write_config(runs, "mnist28", "ebgan", root=str(root))
    config = configs.load(nsgan)
    assert config.g_optimizer.learning_rate == config.d_optimizer.learning_rate == 5e-4  # GRIDS["nsgan"][4]
    assert config.model.ema_decay == 0.999 and config.steps == 15_625
    assert configs.load(nsgan, "smoke").steps < 100  # the smoke run stays short
    config = configs.load(ebgan)
    assert config.model.ema_decay is None and config.g_optimizer.learning_rate == 5e-4 and config.steps == 15_625
    assert config.model.code_dim == 16  # the file's own lines are kept
    text = open(ebgan).read()
    assert text.count(zoo28.BEGIN) == 1 and "ebgan 9.0" not in text and "recipe 9.0, lr0.0005 1.0" in text
    assert "5.00 from the moving average" in open(nsgan).read()
    with pytest.raises(ValueError, match="no ema.json"):
        zoo28.write_config(runs, "mnist28", "gan", root=str(root))


def test_a_recipe_of_a_penalty_point_spells_out_the_weight_its_run_resolved_to(zoo28, tmp_path):
    # the run's config.json records the model's resolved penalty_weight (10 for wgan-gp, penalties.DEFAULT_WEIGHTS);
    # a recipe that left it None would differ from the record it reproduces
    from ganzoo import configs

    runs, root = str(tmp_path / "runs"), tmp_path / "repo"
    point = zoo28.GRIDS["loss-sensitive"][3]
    assert point["model.penalty"] == "wgan-gp" and "model.penalty_weight" not in point
    _finished_search_and_full(zoo28, runs, "loss-sensitive", 3,
                              {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    config = configs.load(zoo28.write_config(runs, "mnist28", "loss-sensitive", root=str(root)))
    assert config.model.penalty == "wgan-gp" and config.model.penalty_weight == 10.0
    assert config.model.normalization == "none" and config.model.weight_decay == 0.0


def test_the_conditional_stage_trains_both_settings_and_ships_the_better_label_accuracy(zoo28, tmp_path, monkeypatch):
    import ganzoo.packaging
    from ganzoo import configs

    runs, root = str(tmp_path / "runs"), str(tmp_path / "repo")
    _finished_search_and_full(zoo28, runs, "nsgan", 4, {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    calls = []
    monkeypatch.setattr(zoo28, "train", lambda *args, **kwargs: calls.append((args, kwargs)) or {"steps": 1})
    monkeypatch.setattr(zoo28, "cond_figures", lambda workdir, *args: None)
    zoo28.conditional(runs, "fashion28", "/data", root=root)
    assert [args[2]["model.mismatched_negatives"] for args, _ in calls] == [True, False]
    assert all(args[2]["lr"] == 5e-4 and args[2]["model.ema_decay"] == 0.999 and args[3] == 15_625 and
               kwargs["config"] == "zoo_configs/nsgan/fashion28_cond.py" for args, kwargs in calls)
    path = os.path.join(root, "zoo_configs", "nsgan", "fashion28_cond.py")
    assert configs.load(path).conditional and "Fashion-MNIST" in open(path).read()

    assert zoo28.package_conditional(runs, "fashion28", "/data", root=root) is None  # no figures yet
    for mismatched, accuracy in ((True, 0.6), (False, 0.9)):
        workdir = zoo28.cond_workdir(runs, "fashion28", mismatched)
        os.makedirs(workdir)
        json.dump({"label_accuracy": accuracy, "classifier_fid": 4.0}, open(os.path.join(workdir, "cond.json"), "w"))
    json.dump({"ema_decay": 0.999, "ema": 3.0, "raw": 2.0, "use_ema": False},
              open(os.path.join(zoo28.cond_workdir(runs, "fashion28", False), "ema.json"), "w"))
    shipped = []
    monkeypatch.setattr(ganzoo.packaging, "package_preset", lambda run, name, **kwargs: shipped.append(
        (run, name, kwargs)) or {"metrics": {"fid": 3.0, "label_accuracy": 0.9}, "protocol": {"features": "p"}})
    results = zoo28.package_conditional(runs, "fashion28", "/data", root=root)
    (run, name, kwargs), = shipped
    assert run == zoo28.cond_workdir(runs, "fashion28", False) and name == "nsgan-fashion28-cond"
    assert kwargs["comparison"]["shipped"] == "mismatched-pair negatives off" and not kwargs["ema"]
    assert kwargs["comparison"]["rows"]["mismatched-pair negatives on"]["label_accuracy"] == 0.6
    assert results["fid"] == 3.0 and results["mismatched_negatives"] is False
    config = configs.load(path)
    assert config.model.mismatched_negatives is False and config.model.ema_decay is None and config.steps == 15_625
    assert zoo28.package_conditional(runs, "fashion28", "/data", root=root) == results and len(shipped) == 1


def test_stacked_mnist_trains_each_variants_best_mnist_point_scored_after_the_run(zoo28, tmp_path, monkeypatch):
    runs = str(tmp_path / "runs")
    _finished_search_and_full(zoo28, runs, "nsgan", 4, {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    commands = []
    monkeypatch.setattr(zoo28.subprocess, "call", lambda command, **kwargs: commands.append(command) or 0)
    zoo28.train("nsgan", zoo28.STACKED, {"lr": 5e-4}, 100, str(tmp_path / "w"), "/data", stage="full")
    zoo28.train("nsgan", "mnist28", {"lr": 5e-4}, 100, str(tmp_path / "m"), "/data", stage="full")
    assert "--config.eval_every=0" in commands[0]  # no classifier-FID of 3-channel digits
    assert "--config.eval_every=100" in commands[1] and "zoo_configs/zoo.py:nsgan,stackedmnist28" in commands[0][3]
    calls = []
    monkeypatch.setattr(zoo28, "train", lambda *args, **kwargs: calls.append((args, kwargs)) or {"steps": 1})
    monkeypatch.setattr(zoo28, "stacked_choice", lambda workdir: calls.append(("choice", workdir)))
    monkeypatch.setattr(zoo28, "package_stacked", lambda runs, variant, data_dir: calls.append(("package", variant)))
    zoo28.stacked(runs, "/data")  # wgan-gp's and sngan's MNIST searches are not there: they wait
    (args, kwargs), choice, package = calls
    assert args[:4] == ("nsgan", "stackedmnist28", {"lr": 5e-4, "model.ema_decay": 0.999}, 15_625)
    assert kwargs["stage"] == "full" and choice == ("choice", args[4]) and package == ("package", "nsgan")
    assert args[4] == zoo28.workdir_of(runs, "stackedmnist28", "nsgan", {"lr": 5e-4}, "full")


def test_stacked_choice_scores_both_generators_at_the_protocol_and_package_records_it(zoo28, tmp_path, monkeypatch):
    import ganzoo.metrics.modes
    import ganzoo.packaging
    import ganzoo.saving
    from ganzoo import configs, training
    from helpers import shared_data

    runs, root = str(tmp_path / "runs"), tmp_path / "repo"
    _finished_search_and_full(zoo28, runs, "nsgan", 4, {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    workdir = zoo28.stacked_workdir(runs, "nsgan", zoo28.GRIDS["nsgan"][4])
    config = configs.load_paper_config("nsgan", "stackedmnist28", "smoke")
    with config.unlocked():
        config.data_dir, config.steps, config.model.ema_decay = shared_data("mnist"), 4, 0.5
    training.train_and_evaluate(config, workdir)
    monkeypatch.setattr(ganzoo.metrics.modes, "STACKED_MNIST_SAMPLES", 300)
    result = zoo28.stacked_choice(workdir)
    assert result["ema_decay"] == 0.5 and result["ema"] != result["raw"]  # two different generators
    assert result["use_ema"] == (result["ema"]["kl"] < result["raw"]["kl"])
    assert 0 < result["raw"]["modes"] <= 300 and json.load(open(os.path.join(workdir, "ema.json"))) == result
    shipped = []
    monkeypatch.setattr(ganzoo.packaging, "package_preset", lambda run, name, **kwargs: shipped.append(
        (run, name, kwargs)) or {"metrics": {"stacked_modes": 990, "stacked_kl": 0.08}, "protocol": {"modes": "p"}})
    results = zoo28.package_stacked(runs, "nsgan", "/data", root=str(root))
    (run, name, kwargs), = shipped
    assert run == workdir and name == "nsgan-stackedmnist28" and kwargs["optimizer_state"] is False
    assert kwargs["ema"] == result["use_ema"] and "PacGAN trained 100,000" in kwargs["budget"]
    assert results["stacked_modes"] == 990 and results["stacked_kl"] == 0.08
    recipe = configs.load(str(root / "zoo_configs" / "nsgan" / "stackedmnist28.py"))
    assert recipe.dataset == "stackedmnist" and recipe.steps == 15_625 and recipe.g_optimizer.learning_rate == 5e-4
    assert zoo28.package_stacked(runs, "nsgan", "/data", root=str(root)) == results and len(shipped) == 1


def test_fashion_trains_mnists_best_point_and_refuses_a_search_of_its_own(zoo28, tmp_path, monkeypatch):
    from ganzoo import configs

    runs, root = str(tmp_path / "runs"), tmp_path / "repo"
    _finished_search_and_full(zoo28, runs, "nsgan", 4, {"ema_decay": 0.999, "ema": 5.0, "raw": 6.0, "use_ema": True})
    assert zoo28.best_point(runs, "fashion28", "nsgan") == {"lr": 5e-4}  # MNIST's search decides
    with pytest.raises(SystemExit, match="has no search of its own"):
        zoo28.search(runs, "fashion28", ["nsgan"], "/data")
    full = zoo28.workdir_of(runs, "fashion28", "nsgan", {"lr": 5e-4}, "full")
    os.makedirs(full)
    json.dump({"ema_decay": 0.999, "ema": 7.0, "raw": 6.5, "use_ema": False}, open(os.path.join(full, "ema.json"), "w"))
    os.makedirs(root / "zoo_configs" / "nsgan")
    path = zoo28.write_config(runs, "fashion28", "nsgan", root=str(root))
    assert path.endswith("zoo_configs/nsgan/fashion28.py") and "MNIST's search at a quarter" in open(path).read()
    config = configs.load(path)
    assert config.dataset == "fashion_mnist" and config.g_optimizer.learning_rate == 5e-4
    assert config.model.ema_decay is None and config.steps == 15_625
    json.dump({"steps": 15_625}, open(os.path.join(full, "metrics.json"), "w"))
    table = open(tmp_path / "out" / "results.md").read() if zoo28.report(runs, out=str(tmp_path / "out")) else ""
    assert "## Fashion-MNIST" in table and "trains MNIST's best point" in table
