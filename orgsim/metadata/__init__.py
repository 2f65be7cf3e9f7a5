"""Metadata loading: SFDX source trees and Metadata API zips -> components the org applies."""

from orgsim.metadata.bundle import Bundle, Component
from orgsim.metadata.mdapi import bundle_from_mdapi_files, read_zip
from orgsim.metadata.source import bundle_from_source_files, read_source_files

__all__ = [
    "Bundle",
    "Component",
    "bundle_from_mdapi_files",
    "bundle_from_source_files",
    "read_source_files",
    "read_zip",
]
