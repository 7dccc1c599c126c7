"""The demo's accounts (devstack/demo.py) as the principals the use cases receive, named after them."""
from chalicelib.domain.access import Principal, Role
from devstack import demo

ADMIN = Principal("admin", Role.ADMIN)
TEO = Principal("teo", Role.TEO, demo.TEO)
TEO_SIGNER = Principal("teo_signer", Role.TEO_SIGNER, demo.TEO)
TEO2 = Principal("teo2", Role.TEO, demo.TEO2)
TEO2_SIGNER = Principal("teo2_signer", Role.TEO_SIGNER, demo.TEO2)
COLLEGE = Principal("college", Role.COLLEGE, demo.BJTU)
COLLEGE_SIGNER = Principal("college_signer", Role.COLLEGE_SIGNER, demo.BJTU)
COLLEGE2 = Principal("college2", Role.COLLEGE, demo.NCUT)
COLLEGE2_SIGNER = Principal("college2_signer", Role.COLLEGE_SIGNER, demo.NCUT)
STUDENT = Principal("student", Role.CANDIDATE)       # for refusals by role: no candidate number needed
