"""The `kim` command group that every CLI module adds its commands to."""
from flask.cli import AppGroup

kim = AppGroup("kim", help="KI.M Netzwerk administration.")
