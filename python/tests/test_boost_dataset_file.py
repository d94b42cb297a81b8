"""ironlearn.boost.Dataset and files: the binary dataset file (save_binary / Dataset(path)), LightGBM's text data
files (CSV, TSV, LibSVM with their side files, read as the real lightgbm reads them) and the typed fields
(get_field / set_field) of a constructed Dataset."""

import numpy as np
import pytest

import ironlearn.boost as ilb
from ironlearn import _dataset_file

PARAMS = {"verbose": -1, "num_threads": 1, "deterministic": True, "min_data_in_leaf": 5, "num_leaves": 7}


def _data(n=200, m=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, m))
    X[rng.random(size=X.shape) < 0.05] = np.nan
    if m > 2:
        X[:, 2] = rng.integers(0, 4, size=n)
    y = np.nan_to_num(X[:, 0]) * 2 + np.nan_to_num(X[:, 1]) + rng.normal(size=n) * 0.1
    return X, y


class _Seq(ilb.Sequence):
    def __init__(self, a, batch_size):
        self.a = a
        self.batch_size = batch_size

    def __getitem__(self, idx):
        return self.a[idx]

    def __len__(self):
        return len(self.a)


# -- the binary dataset file ----------------------------------------------------------------


def test_binary_file_round_trip_trains_the_same_model(tmp_path):
    X, y = _data()
    w = np.random.default_rng(1).uniform(0.5, 2, size=len(y))
    init = np.full(len(y), 0.25)
    # feature_pre_filter=False: as in LightGBM, PARAMS' smaller min_data_in_leaf may then reach a constructed Dataset.
    params = {"max_bin": 31, "min_data_in_bin": 2, "feature_pre_filter": False}
    ds = ilb.Dataset(X, label=y, weight=w, init_score=init, feature_name=[f"f{i}" for i in range(5)],
                     categorical_feature=["f2"], params=params)
    ds.save_binary(tmp_path / "d.bin")
    back = ilb.Dataset(tmp_path / "d.bin", params=params).construct()
    assert back.num_data() == 200 and back.get_feature_name() == [f"f{i}" for i in range(5)]
    assert back.categorical_feature == ["f2"] and back.get_params() == params
    for f in ("label", "weight", "init_score"):
        a, b = ds.get_field(f), back.get_field(f)
        assert a.dtype == b.dtype and np.array_equal(a, b)
    np.testing.assert_array_equal(back._native_x(), ds._native_x())
    b1 = ilb.train(PARAMS, ds, num_boost_round=15)
    b2 = ilb.train(PARAMS, back, num_boost_round=15)
    assert np.array_equal(b1.predict(X), b2.predict(X))
    assert b2.feature_name() == [f"f{i}" for i in range(5)]


def test_binary_file_bytes_are_the_same_for_equal_data_and_hold_no_time(tmp_path):
    X, y = _data(n=50)
    ilb.Dataset(X, label=y, params={"max_bin": 15}).save_binary(tmp_path / "a.bin")
    seqs = [_Seq(X[:20], 3), _Seq(X[20:], None)]
    ilb.Dataset(seqs, label=y, params={"max_bin": 15}).save_binary(tmp_path / "b.bin")
    ilb.Dataset(np.asfortranarray(X), label=list(y), params={"max_bin": 15}).save_binary(tmp_path / "c.bin")
    a = (tmp_path / "a.bin").read_bytes()
    assert a == (tmp_path / "b.bin").read_bytes() == (tmp_path / "c.bin").read_bytes()
    assert a.startswith(b"ironlearn-dataset v1\n")
    header = a.split(b"\n")[1].decode()
    assert '"max_bin":15' in header and "time" not in header
    # data float64 + label float32 follow the header, nothing else
    assert len(a) == len(b"ironlearn-dataset v1\n") + len(header) + 1 + 50 * 5 * 8 + 50 * 4


def test_binary_file_keeps_ranking_fields_and_multiclass_init_scores(tmp_path):
    X, _ = _data(n=12, m=3)
    init = np.arange(36, dtype=float).reshape(12, 3)
    ds = ilb.Dataset(X, label=np.arange(12) % 3, group=[5, 7], position=[7, 3, 3, 9, 7, 1, 1, 2, 3, 7, 9, 2], init_score=init)
    ds.save_binary(tmp_path / "r.bin")
    back = ilb.Dataset(str(tmp_path / "r.bin")).construct()
    np.testing.assert_array_equal(back.get_field("group"), np.array([0, 5, 12], dtype=np.int32))
    np.testing.assert_array_equal(back.get_group(), [5, 7])
    np.testing.assert_array_equal(back.get_field("position"), np.array([0, 1, 1, 2, 0, 3, 3, 4, 1, 0, 2, 4], dtype=np.int32))
    np.testing.assert_array_equal(back.get_field("init_score"), init)
    assert back.get_field("init_score").dtype == np.float64 and back.get_field("weight") is None


def _saved(tmp_path):
    X, y = _data(n=30, m=3)
    path = tmp_path / "ok.bin"
    ilb.Dataset(X, label=y).save_binary(path)
    return path, path.read_bytes()


@pytest.mark.parametrize(
    ("mangle", "message"),
    [
        (lambda b: b[:-3], "truncated: its header announces"),
        (lambda b: b + b"\x00", "1 bytes follow the arrays"),
        (lambda b: b"ironlearn-dataset v2\n" + b[21:], "version 2 is not supported"),
        (lambda b: b"hello" + b[5:], "not UTF-8 text .*is it a binary file"),
        (lambda b: b[:21] + b"{not json\n" + b[b.index(b"\n", 21) + 1:], "its header is not JSON"),
        (lambda b: b[:21] + b[21:b.index(b"\n", 21)].replace(b'"num_data":30', b'"num_data":31') + b[b.index(b"\n", 21):], r"has shape \[30, 3\], but num_data=31"),
        (lambda b: b[:21] + b[21:b.index(b"\n", 21)].replace(b'"<f4"', b'"|O"') + b[b.index(b"\n", 21):], "has type '|O'"),
        (lambda b: b[:40], "truncated inside its JSON header"),
    ],
)
def test_a_damaged_binary_file_is_refused_naming_the_problem(tmp_path, mangle, message):
    path, good = _saved(tmp_path)
    bad = tmp_path / "bad.bin"
    bad.write_bytes(mangle(good))
    with pytest.raises(ilb.LightGBMError, match=message) as e:
        ilb.Dataset(bad).construct()
    assert "bad.bin" in str(e.value)


def test_lightgbms_own_binary_file_is_refused(tmp_path):
    path = tmp_path / "lgb.bin"
    path.write_bytes(_dataset_file.LIGHTGBM_BINARY_TOKEN + b"\x00" * 64)
    with pytest.raises(ilb.LightGBMError, match="LightGBM binary dataset file"):
        ilb.Dataset(path).construct()


def test_binning_parameters_of_a_binary_file_cannot_change(tmp_path):
    X, y = _data(n=40, m=2)
    ilb.Dataset(X, label=y, params={"max_bin": 50}).save_binary(tmp_path / "d.bin")
    ilb.Dataset(tmp_path / "d.bin", params={"max_bins": 50}).construct()  # an alias, same value
    with pytest.raises(ilb.LightGBMError, match=r"constructed with parameter max_bin=50. It cannot be changed to 255"):
        ilb.Dataset(tmp_path / "d.bin").construct()


def test_a_failed_write_raises_and_leaves_no_file(tmp_path):
    X, y = _data(n=10, m=2)
    with pytest.raises(ilb.LightGBMError, match="Cannot write binary data"):
        ilb.Dataset(X, label=y).save_binary(tmp_path / "missing_dir" / "d.bin")
    ds = ilb.Dataset(X, label=np.array(["a", "b"] * 5))
    with pytest.raises(NotImplementedError, match="class names"):
        ds.save_binary(tmp_path / "s.bin")
    assert not (tmp_path / "s.bin").exists()


def test_subset_of_a_binary_file(tmp_path):
    X, y = _data(n=60, m=3)
    ilb.Dataset(X, label=y, group=[20, 20, 20]).save_binary(tmp_path / "d.bin")
    full = ilb.Dataset(str(tmp_path / "d.bin"), free_raw_data=False)
    sub = full.subset([45, 3, 4, 25])
    assert sub.get_data() == str(tmp_path / "d.bin")  # LightGBM's: the file name
    np.testing.assert_array_equal(sub._native_x(), X[[3, 4, 25, 45]])
    np.testing.assert_array_equal(sub.get_label(), y[[3, 4, 25, 45]].astype(np.float32))
    np.testing.assert_array_equal(sub.get_group(), [2, 1, 1])


# -- LightGBM text data files -------------------------------------------------------------


def _write_csv(path, X, y, sep=",", header=None, label_last=False):
    rows = []
    if header is not None:
        rows.append(sep.join(header))
    for xi, yi in zip(X, y):
        vals = ["" if np.isnan(v) else repr(float(v)) for v in xi]
        rows.append(sep.join(vals + [repr(float(yi))] if label_last else [repr(float(yi))] + vals))
    path.write_text("\n".join(rows) + "\n")


def test_csv_with_header_and_side_files_reads_as_lightgbm_does(tmp_path):
    lgb = pytest.importorskip("lightgbm")
    rng = np.random.default_rng(3)
    X, _ = _data(n=90, m=4, seed=3)
    y = rng.integers(0, 3, size=90).astype(float)
    path = tmp_path / "train.csv"
    _write_csv(path, X, y, header=["a", "b", "c", "d", "target"], label_last=True)
    (tmp_path / "train.csv.query").write_text("\n".join(["30", "25", "35"]) + "\n")
    (tmp_path / "train.csv.weight").write_text("\n".join(str(v) for v in rng.uniform(0.5, 2, 90)) + "\n")
    (tmp_path / "train.csv.position").write_text("\n".join(str(v) for v in rng.integers(0, 5, 90)) + "\n")
    params = {"header": True, "label_column": "name:target"}
    mine = ilb.Dataset(str(path), params=params).construct()
    real = lgb.Dataset(str(path), params={**params, "verbose": -1}).construct()
    assert mine.get_feature_name() == real.get_feature_name() == ["a", "b", "c", "d"]
    assert mine.num_data() == real.num_data() and mine.num_feature() == real.num_feature()
    for f in ("label", "weight", "group", "position", "init_score"):
        a, b = real.get_field(f), mine.get_field(f)
        assert (a is None and b is None) or (a.dtype == b.dtype and np.array_equal(a, b)), f
    np.testing.assert_allclose(mine._native_x(), X, rtol=1e-15, atol=0)  # LightGBM's Atof: 17 digits may differ in the last bit
    # The values: LightGBM trained on the file and on the arrays read here gives the same model.
    lp = {"objective": "lambdarank", "verbose": -1, "num_threads": 1, "deterministic": True, "min_data_in_leaf": 3}
    from_file = lgb.train(lp, lgb.Dataset(str(path), params={**params, "verbose": -1}), num_boost_round=5)
    from_arrays = lgb.train(lp, lgb.Dataset(mine._native_x(), label=mine.get_label(), weight=mine.get_field("weight"),
                                            group=mine.get_group(), position=mine.get_position()), num_boost_round=5)
    np.testing.assert_array_equal(from_file.predict(X), from_arrays.predict(X))


def test_tsv_libsvm_and_init_files_read_as_lightgbm_does(tmp_path):
    lgb = pytest.importorskip("lightgbm")
    X, y = _data(n=40, m=3, seed=5)
    X = np.nan_to_num(X)
    tsv = tmp_path / "d.tsv"
    _write_csv(tsv, X, y, sep="\t")
    (tmp_path / "d.tsv.init").write_text("\n".join(f"{v}\t{-v}" for v in np.linspace(0, 1, 40)) + "\n")
    svm = tmp_path / "d.svm"
    svm.write_text("".join(f"{yi} " + " ".join(f"{j}:{float(v)!r}" for j, v in enumerate(xi) if v != 0) + "\n" for xi, yi in zip(X, y)))
    for path in (tsv, svm):
        mine = ilb.Dataset(str(path)).construct()
        real = lgb.Dataset(str(path), params={"verbose": -1, "num_threads": 1}).construct()  # its .init reader races with threads
        assert mine.num_feature() == real.num_feature() == 3
        for f in ("label", "init_score"):
            a, b = real.get_field(f), mine.get_field(f)
            assert (a is None and b is None) or (a.dtype == b.dtype and np.array_equal(a, b)), (path, f)
        np.testing.assert_allclose(mine._native_x(), X, rtol=1e-15, atol=0)
    assert ilb.Dataset(str(tsv)).construct().get_field("init_score").shape == (40, 2)


@pytest.mark.filterwarnings("ignore:categorical_feature keyword has been found")  # the real lightgbm's
def test_weight_group_ignore_and_categorical_columns_read_as_lightgbm_does(tmp_path):
    lgb = pytest.importorskip("lightgbm")
    rng = np.random.default_rng(7)
    n = 60
    qid = np.repeat([4, 2, 9], 20)
    cols = np.column_stack([rng.normal(size=n), rng.uniform(0.5, 2, n), qid, rng.integers(0, 3, n), rng.normal(size=n)])
    y = rng.integers(0, 2, n).astype(float)
    path = tmp_path / "d.csv"
    _write_csv(path, cols, y, header=["y", "x0", "w", "q", "cat", "skip"])
    params = {"header": True, "weight_column": "name:w", "group_column": 2, "ignore_column": "name:skip", "categorical_feature": "name:cat"}
    mine = ilb.Dataset(str(path), params=params).construct()
    real = lgb.Dataset(str(path), params={**params, "verbose": -1}).construct()
    assert mine.get_feature_name() == real.get_feature_name() == ["x0", "w", "q", "cat", "skip"]
    for f in ("label", "weight", "group"):
        a, b = real.get_field(f), mine.get_field(f)
        assert a.dtype == b.dtype and np.array_equal(a, b), f
    x = mine._native_x()
    assert np.isnan(x[:, [1, 2, 4]]).all()  # unused features, as in LightGBM
    np.testing.assert_allclose(x[:, [0, 3]], cols[:, [0, 3]], rtol=1e-15, atol=0)
    assert mine.params["categorical_feature"] == [3]


def test_a_validation_file_with_as_many_columns_as_features_has_no_label(tmp_path):
    X, y = _data(n=20, m=3, seed=2)
    X = np.nan_to_num(X)
    _write_csv(tmp_path / "train.csv", X, y)
    (tmp_path / "valid.csv").write_text("\n".join(",".join(repr(float(v)) for v in row) for row in X) + "\n")
    train = ilb.Dataset(str(tmp_path / "train.csv"))
    valid = train.create_valid(str(tmp_path / "valid.csv")).construct()
    np.testing.assert_array_equal(valid._native_x(), train._native_x())
    assert not valid.get_label().any()


def test_training_on_a_text_file_gives_the_model_of_its_arrays(tmp_path):
    X, y = _data(n=120, m=4, seed=9)
    _write_csv(tmp_path / "d.csv", X, y)
    ds = ilb.Dataset(str(tmp_path / "d.csv"), params={"feature_pre_filter": False}).construct()
    np.testing.assert_allclose(ds._native_x(), X, rtol=1e-15, atol=0)
    from_file = ilb.train(PARAMS, ds, num_boost_round=10)
    from_arrays = ilb.train(PARAMS, ilb.Dataset(ds._native_x().copy(), label=y.astype(np.float32)), num_boost_round=10)
    assert np.array_equal(from_file.predict(X), from_arrays.predict(X))


@pytest.mark.parametrize(
    ("text", "params", "side", "message"),
    [
        ("1,2,3\n4,5\n" + "7,8,9\n" * 40, {}, None, "Unknown format of training data"),  # within LightGBM's first 32 lines
        ("1,2,3\n4,5,6\n" + "7,8,9\n" * 40 + "1,2\n", {}, None, r"d.txt, line 43: 2 fields, but the first data line \(line 1\) has 3"),
        ("1,2,3\n4,x,6\n", {}, None, r"Unknown token 'x' in data file .*d.txt, line 2, column 1"),
        ("1 2 3\n4 5 6\n", {}, None, "Unknown format of training data"),
        ("1,2\n3,4\n", {"label_column": "name:y"}, None, "Could not find label column y"),
        ("1,2\n3,4\n", {"label_column": "first"}, None, "label_column is not a number"),
        ("1,2\n3,4\n", {}, ("position", "1\n2\n3\n"), r"Positions size \(3\) doesn't match data size \(2\)"),
        ("1,2\n3,4\n", {}, ("weight", "1\n"), "Weights size doesn't match data size"),
        ("1,2\n3,4\n", {}, ("query", "1\n2\n"), "Query size doesn't match data size"),
        ("1,2\n3,4\n", {}, ("init", "1\t2\n3\n"), "Invalid initial score file"),
        ("1 0:2\n3 -1:4\n", {}, None, r"line 2: feature index '-1' is not a number >= 0"),
        ("", {}, None, "is empty"),
    ],
)
def test_a_bad_text_file_is_refused_naming_file_and_line(tmp_path, text, params, side, message):
    path = tmp_path / "d.txt"
    path.write_text(text)
    if side is not None:
        (tmp_path / f"d.txt.{side[0]}").write_text(side[1])
    with pytest.raises(ilb.LightGBMError, match=message):
        ilb.Dataset(str(path), params=params).construct()


def test_a_missing_file_and_a_custom_parser_are_refused(tmp_path):
    with pytest.raises(ilb.LightGBMError, match="Cannot open data file"):
        ilb.Dataset(tmp_path / "nope.csv").construct()
    (tmp_path / "d.csv").write_text("1,2\n3,4\n")
    (tmp_path / "parser.json").write_text('{"className": "mine"}')
    ds = ilb.Dataset(tmp_path / "d.csv", params={"parser_config_file": str(tmp_path / "parser.json")})
    with pytest.raises(ilb.LightGBMError, match="Cannot find parser class 'mine'.*no custom parser"):
        ds.construct()


def test_a_data_file_next_to_its_binary_file_is_read_from_the_binary(tmp_path):
    X, y = _data(n=20, m=2)
    (tmp_path / "d.csv").write_text("this is not read\n")
    ilb.Dataset(X, label=y).save_binary(tmp_path / "d.csv.bin")
    np.testing.assert_array_equal(ilb.Dataset(str(tmp_path / "d.csv")).construct()._native_x(), X)


# -- typed fields ---------------------------------------------------------------------------


def test_fields_have_lightgbms_types_after_construct():
    X, _ = _data(n=6, m=2)
    ds = ilb.Dataset(X, label=[1, 2, 3, 4, 5, 6], weight=[1, 1, 2, 2, 3, 3], group=[2, 4], init_score=[0.5] * 6)
    with pytest.raises(ilb.LightGBMError, match="Cannot get label before construct Dataset"):
        ds.get_field("label")
    ds.construct()
    assert ds.label.dtype == np.float32 and ds.weight.dtype == np.float32
    assert ds.group.dtype == np.int32 and list(ds.group) == [2, 4]
    np.testing.assert_array_equal(ds.get_field("group"), np.array([0, 2, 6], dtype=np.int32))
    assert ds.get_weight().dtype == np.float64  # what ironlearn's booster takes
    assert ds.set_field("weight", None) is ds and ds.get_field("weight") is None
    with pytest.raises(ilb.LightGBMError, match=r"Sum of query counts \(5\) differs from the length of #data \(6\)"):
        ds.set_group([2, 3])
    with pytest.raises(ilb.LightGBMError, match=r"Length of labels \(2\) differs"):
        ds.set_label([1, 2])
    with pytest.raises(ilb.LightGBMError, match="label cannot be None"):
        ds.set_field("label", None)
    ds.set_position(np.array([30, 10, 30, 20, 10, 20]))
    np.testing.assert_array_equal(ds.position, np.array([0, 1, 0, 2, 1, 2], dtype=np.int32))
    with pytest.warns(UserWarning, match="label: 1 values are NaN"):
        ds.set_label([np.nan, 1, 2, 3, 4, 5])
    assert ds.get_label()[0] == 0


def test_no_label_is_zeros_and_names_are_column_i_after_construct():
    ds = ilb.Dataset(np.ones((4, 3))).construct()
    np.testing.assert_array_equal(ds.get_field("label"), np.zeros(4, dtype=np.float32))
    assert ds.feature_name == ["Column_0", "Column_1", "Column_2"] and ds._has_non_default_feature_names is False
    with pytest.raises(ilb.LightGBMError, match="after freed raw data"):
        ds.get_data()


def test_add_features_from_joins_columns_names_and_categoricals():
    X, y = _data(n=30, m=4)
    a = ilb.Dataset(X[:, :2], label=y, feature_name=["p", "q"], categorical_feature=["q"], free_raw_data=False).construct()
    b = ilb.Dataset(X[:, 2:], feature_name=["q", "r"], categorical_feature=[0], free_raw_data=False).construct()
    with pytest.warns(UserWarning, match=r"change its name to \(D2_q\)"):
        a.add_features_from(b)
    assert a.feature_name == ["p", "q", "D2_q", "r"] and a.categorical_feature == ["q", "D2_q"]
    np.testing.assert_array_equal(a._native_x(), X)
    np.testing.assert_array_equal(a.get_data(), X)
    with pytest.raises(ValueError, match="must be constructed"):
        a.add_features_from(ilb.Dataset(X))


_TOKENS = ["1.5e-3", "-2E+5", ".5", "5.", "1e", "+3", "123456789012345678901", "0.000000000000000000012345", "1e400", "nan", "NA",
           "-inf", "3.141592653589793238462643", "1234567.891011121314", "9007199254740993", "0.7", "1e23", "4.9e-324",
           "0.15384615384615385", "-0.9487179487179487", "12345678901234567890.12345678901234567890e-10"]


def test_numbers_are_read_with_lightgbms_atof_arithmetic(tmp_path):
    lgb = pytest.importorskip("lightgbm")
    path = tmp_path / "a.tsv"
    path.write_text("".join(f"{i}\t1\t2\n" for i in range(len(_TOKENS))))
    (tmp_path / "a.tsv.init").write_text("\n".join(_TOKENS) + "\n")
    real = lgb.Dataset(str(path), params={"verbose": -1, "num_threads": 1}).construct().get_field("init_score")
    mine = ilb.Dataset(str(path)).construct().get_field("init_score")
    assert real.tobytes() == mine.tobytes()


def test_precise_float_parser_reads_the_nearest_double(tmp_path):
    X, y = _data(n=30, m=3, seed=4)
    _write_csv(tmp_path / "d.csv", X, y)
    x = ilb.Dataset(str(tmp_path / "d.csv"), params={"precise_float_parser": True}).construct()._native_x()
    np.testing.assert_array_equal(x, X)
