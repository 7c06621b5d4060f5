"""hoering: mail hearings (mailhøringer) and the governance cycle of Nordjysk Socialaftale."""

__version__ = "0.1.0"
