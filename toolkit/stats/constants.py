"""Constants shared by the statistics modules."""

from scipy import stats as sps

Z95 = float(sps.norm.ppf(0.975))
"""The two-sided 95% normal quantile, 1.959963984540054."""
