"""Packaging glue: resources/ and migrations/ ship inside the wheel (see carecoord/paths.py).

They live at the top of the checkout, as the product layout requires, and are mapped to
the packages carecoord._resources and carecoord._migrations when installed.
"""

from setuptools import find_packages, setup

setup(
    packages=[
        *find_packages(include=["carecoord", "carecoord.*"]),
        "carecoord._resources",
        "carecoord._migrations",
        "carecoord._migrations.versions",
    ],
    package_dir={"carecoord._resources": "resources", "carecoord._migrations": "migrations"},
)
