"""Evaluation's tables, one module per area: questionnaires and answers (`outcomes`),
aims, policies and their acknowledgements (`evidence`), closed years (`year`)."""

from peermentoring.evaluation.models.evidence import *  # noqa: F403
from peermentoring.evaluation.models.outcomes import *  # noqa: F403
from peermentoring.evaluation.models.year import *  # noqa: F403
