"""Small statistics functions for pre/post outcome analysis.

This is the only package that imports pingouin (and only inside the functions
that use it, so importing it stays cheap). Everything here works on
plain numpy arrays and runs in time linear in the number of people.

Conventions
-----------
* ``diff`` is always ``post - pre`` in raw units.
* Effect sizes are returned in the raw direction; orienting them so that a
  positive value means improvement is the caller's job (see
  :func:`orientation`).
* A value that cannot be computed (too few people, no variance) is ``nan``.
"""

from toolkit.stats.constants import Z95
from toolkit.stats.effect_sizes import d_z
from toolkit.stats.effect_sizes import g_av
from toolkit.stats.effect_sizes import g_av_from_moments
from toolkit.stats.effect_sizes import hedges_j
from toolkit.stats.effect_sizes import orientation
from toolkit.stats.reliability import cronbach_alpha
from toolkit.stats.reliability import rci_threshold
from toolkit.stats.reliability import reliable_change_categories
from toolkit.stats.significance import adjust_p
from toolkit.stats.significance import Ancova
from toolkit.stats.significance import ancova_two_groups
from toolkit.stats.significance import paired_t
from toolkit.stats.significance import PairedT
from toolkit.stats.significance import wilcoxon_p

__all__ = [
    "Z95",
    "Ancova",
    "PairedT",
    "adjust_p",
    "ancova_two_groups",
    "cronbach_alpha",
    "d_z",
    "g_av",
    "g_av_from_moments",
    "hedges_j",
    "orientation",
    "paired_t",
    "rci_threshold",
    "reliable_change_categories",
    "wilcoxon_p",
]
