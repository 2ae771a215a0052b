"""The pios node: an organisation publishes, edits and follows its own initiatives.

``create_app(config)`` builds the Flask application for one instance folder; ``pios node …``
(:mod:`pios_ld.node.cli`) sets instances up and runs them.
"""

from .app import create_app

__all__ = ["create_app"]
