from peermentoring.recruitment.tests.conftest import *  # noqa: F403
