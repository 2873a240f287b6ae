"""The roles a person can hold in a school, and the groups views check against."""

from django.db import models


class Role(models.TextChoices):
    COORDINATOR = "coordinator", "Coordinator"
    SAFEGUARDING_LEAD = "safeguarding_lead", "Safeguarding lead"
    DEPUTY_SAFEGUARDING_LEAD = "deputy_dsl", "Deputy safeguarding lead"
    SCHOOL_ADMIN = "school_admin", "School admin"
    MENTOR = "mentor", "Peer mentor"
    MENTEE = "mentee", "Mentee"
    PUPIL = "pupil", "Pupil"
    TRUST_LEAD = "trust_lead", "Trust lead"


# The safeguarding lead and the deputies a school names: they see every concern.
SAFEGUARDING_ROLES = (Role.SAFEGUARDING_LEAD, Role.DEPUTY_SAFEGUARDING_LEAD)
STAFF_ROLES = (Role.COORDINATOR, *SAFEGUARDING_ROLES, Role.SCHOOL_ADMIN)
PUPIL_ROLES = (Role.MENTOR, Role.MENTEE, Role.PUPIL)
# Staff who may see pupils' names and records (not the trust lead, who sees figures only).
PUPIL_DATA_ROLES = (Role.COORDINATOR, *SAFEGUARDING_ROLES, Role.SCHOOL_ADMIN)
# Staff who set the scheme up and run it: recruitment, training, referrals, matching.
SETUP_ROLES = (Role.COORDINATOR, Role.SCHOOL_ADMIN)
# Everyone whose school home page is the staff one (all but pupils): the figures are for them.
STAFF_HOME_ROLES = (*STAFF_ROLES, Role.TRUST_LEAD)
