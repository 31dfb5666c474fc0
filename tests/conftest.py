import matplotlib

matplotlib.use("Agg")   # the figure tests run headless; set before pyplot is imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture(autouse=True)
def close_figures():
    """Close every figure a test made, so that figures do not pile up."""
    yield
    plt.close("all")
