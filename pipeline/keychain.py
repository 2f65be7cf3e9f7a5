"""The CumulusCI keychain `sfpay deploy` (and `sfpay cci-env`) give `cci`: the user's own
keychain, except that orgs defined in the environment (`CUMULUSCI_ORG_<NAME>`) win over a
saved org of the same name and are never saved.

Why: CumulusCI keys its file keychain by the project *name* (~/.cumulusci/<name>/), so every
checkout of a project, and two clients given the same name, share it; and its file keychain
saves an environment org after each token refresh (`OrgConfig.save_if_changed`), where the
saved copy then shadows the environment's on the next run. The local org of each project is
therefore defined only in its own state folder and handed to `cci` through the environment.
(CumulusCI's documented `CUMULUSCI_KEYCHAIN_CLASS=EnvironmentProjectKeychain` is not usable
for this: 4.x imports the value as a dotted class path, and the bare name fails with
"Empty module name".)
"""

from __future__ import annotations

import os

from cumulusci.core.keychain import EncryptedFileProjectKeychain

CLASS_PATH = "pipeline.keychain.EnvironmentOrgsKeychain"


class EnvironmentOrgsKeychain(EncryptedFileProjectKeychain):
    def _environment_org_names(self) -> set[str]:
        prefix = self.env_org_var_prefix
        return {name[len(prefix) :].lower() for name in os.environ if name.startswith(prefix)}

    def _load_orgs(self) -> None:
        super()._load_orgs()
        # The parent loads the environment first and files after; load it again so it wins.
        self._load_orgs_from_environment()

    def _set_org(self, org_config, global_org, save=True):
        if org_config.name in self._environment_org_names():
            save = False
        super()._set_org(org_config, global_org, save=save)
