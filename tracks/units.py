"""Units: the exact factors between the track table's units and SI, written once for every module.

The track table holds altitudes in feet, ground speed in knots and vertical rates in feet per minute
(docs/schema.md); distances are geodesic kilometres (`tracks.geo.geodesy`). Every factor follows from the
definitions: 1 ft = 0.3048 m (the international foot), 1 NM = 1852 m, 1 statute mile = 1609.344 m,
1 kt = 1 NM per hour. Readers convert with the functions below (element-wise on numpy arrays, pandas
Series or plain floats); other modules import the constants. No other module writes these numbers.
"""

from __future__ import annotations

from typing import TypeVar

import numpy as np
import pandas as pd

#: Metres in one international foot (exact).
M_PER_FT = 0.3048
#: Metres in one international nautical mile (exact).
M_PER_NM = 1852.0
#: Metres in one statute mile (exact).
M_PER_MI = 1609.344
#: Kilometres in one nautical mile (1.852, exact in decimal).
KM_PER_NM = 1.852
#: Kilometres in one statute mile (1.609344, exact in decimal).
KM_PER_MI = 1.609344
#: Feet in one metre.
FT_PER_M = 1.0 / M_PER_FT
#: Knots in one metre per second (3600 / 1852).
KT_PER_MS = 3600.0 / M_PER_NM
#: Kilometres per second at one knot (1.852 / 3600).
KM_S_PER_KT = KM_PER_NM / 3600.0
#: Feet per minute in one metre per second (60 / 0.3048).
FPM_PER_MS = 60.0 / M_PER_FT

V = TypeVar("V", float, np.ndarray, pd.Series)

# Each function is one numpy ufunc: element-wise on arrays and Series, a float for a float, and in place with
# `out=` (the readers convert million-row columns without a copy).


def m_to_ft(metres: V, out: np.ndarray | None = None) -> V:
    """Metres -> feet (divided by the exact foot: 53 m -> 53 / 0.3048 ft)."""
    return np.divide(metres, M_PER_FT, out=out)


def ft_to_m(feet: V, out: np.ndarray | None = None) -> V:
    """Feet -> metres."""
    return np.multiply(feet, M_PER_FT, out=out)


def ms_to_kt(metres_per_second: V, out: np.ndarray | None = None) -> V:
    """Metres per second -> knots."""
    return np.multiply(metres_per_second, KT_PER_MS, out=out)


def kt_to_ms(knots: V, out: np.ndarray | None = None) -> V:
    """Knots -> metres per second."""
    return np.divide(knots, KT_PER_MS, out=out)


def kt_to_km_s(knots: V, out: np.ndarray | None = None) -> V:
    """Knots -> kilometres per second (the speed bound applied to geodesic km and seconds)."""
    return np.multiply(knots, KM_S_PER_KT, out=out)


def ms_to_fpm(metres_per_second: V, out: np.ndarray | None = None) -> V:
    """Metres per second -> feet per minute (vertical rates)."""
    return np.multiply(metres_per_second, FPM_PER_MS, out=out)


def nm_to_km(nautical_miles: V, out: np.ndarray | None = None) -> V:
    """Nautical miles -> kilometres."""
    return np.multiply(nautical_miles, KM_PER_NM, out=out)


def km_to_nm(km: V, out: np.ndarray | None = None) -> V:
    """Kilometres -> nautical miles."""
    return np.divide(km, KM_PER_NM, out=out)
