"""The SHACL shapes that say what a good pios record is (data)."""

from importlib.resources import files

HERE = files(__name__)
SHAPES = HERE / "pios-shapes.ttl"
