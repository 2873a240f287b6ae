"""What the schools domain functions say when they refuse: tests assert these."""

TERMS_OUT_OF_ORDER = "Terms must run Autumn, Spring, Summer without overlapping."
TERM_OUTSIDE_YEAR = "Every term must fall inside the academic year."
HALF_TERM_OUTSIDE = "The {term} half-term must start after the term starts and end before it ends."
YEAR_OVERLAPS = "This academic year overlaps {name}."
STAFF_ROLE_REQUIRED = (
    "Staff accounts take a staff role: coordinator, safeguarding lead or school admin."
)
PUPIL_ROLE_REQUIRED = "Pupil accounts take a pupil role: pupil, peer mentor or mentee."
PUPIL_HAS_ACCOUNT = "{pupil} already has an account."
USERNAME_TAKEN = "The username {username} is already taken."
ALREADY_A_MEMBER = "{email} already has an account at this school."
USERNAME_INVALID = "Use letters, numbers, full stops, hyphens or underscores only."
WINDOW_SWITCHED_OFF_AFFECTS = (
    "Switching off {window} affects {people} free times. "
    "Their choices are kept and come back if you switch it on again."
)
WINDOW_MOVED_AFFECTS = (
    "Moving {window} to {span} affects {people} free times. Their choices move with it."
)
SITE_ADMIN_ADDRESS = (
    "That address belongs to a site administrator and cannot be given a school role."
)
NOT_OWNER = (
    "This account was made by another school, so only that school can reset its password. "
    "The person can also use “Forgotten your password?” on the sign-in page."
)
TRUST_LEAD_NOT_BY_SCHOOL = (
    "Trust leads work across the trust, so only the site administrator can add or change them."
)
NOT_YOUR_INVITATION = "This invitation is not waiting for you."
