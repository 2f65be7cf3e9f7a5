"""Packaging beyond what pyproject.toml can say: the data folders that live at the top of the
repository (templates/, vendor/) ship inside the `sfpay` package as `sfpay.templates` and
`sfpay.vendor`, so the code finds them with importlib.resources in the editable install and
in the wheel alike, and the repository keeps its layout."""

from setuptools import find_packages, setup

CODE = ["sfpay*", "sfmeta*", "generator*", "validator*", "stripesim*", "orgsim*", "harness*", "pipeline*", "operate*"]
# package name -> folder at the repository root (each has an __init__.py saying why).
DATA_PACKAGES = {"sfpay.templates": "templates", "sfpay.vendor": "vendor"}

setup(
    packages=find_packages(where=".", include=CODE, exclude=["tests*"]) + list(DATA_PACKAGES),
    package_dir=DATA_PACKAGES,
    package_data={
        "sfpay.templates": ["**/*.j2"],
        "sfpay.vendor": ["*.json", "*.jsonl", "*.wsdl", "*.xsd", "*.txt", "*.md"],
        "sfpay.scaffold": ["*", "**/*"],
        "generator.schema": ["*.json"],
        # data folders without __init__.py belong to the package above them
        "orgsim": ["data/*.yml"],
        "orgsim.formula": ["*.lark"],
        "orgsim.soql": ["*.lark"],
        "harness": ["templates/*.j2"],
        "validator": ["data/*.yml"],
    },
)
