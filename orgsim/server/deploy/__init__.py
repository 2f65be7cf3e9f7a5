"""Metadata deploy: the REST `deployRequest` resource and the SOAP `deploy`/`checkDeployStatus`
calls, sharing one job runner (checks, then the core's deploy) and one result model."""
