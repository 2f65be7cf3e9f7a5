"""DML with Salesforce's save order, per batch of up to 200 records:

  coerce input -> before-save flows -> system + custom validation (required, picklists,
  references, validation rules, unique) -> write -> after-save flows (which may save again:
  recursion up to depth 16) -> [caller commits] -> async and scheduled paths run later.

Partial success (allOrNone=false, the REST default): records that fail are reported and the
batch is rolled back to a savepoint and saved again without them, with fresh limits, at most
twice more -- Salesforce's documented retry for bulk DML ("Bulk DML Exception Handling",
Apex Developer Guide). Flow DML inside a transaction uses the same engine, so a record a flow
writes is saved exactly as an API save would be, flows included.
"""

from __future__ import annotations

import copy

from orgsim.dml.coerce import coerce
from orgsim.dml.results import RecordFailed, SaveError, SaveResult
from orgsim.dml.validate import check_picklists, check_references, check_required, check_unique, check_validation_rules
from orgsim.errors import OrgError
from orgsim.schema.model import SObjectDef
from orgsim.storage.predicate import Compare

MAX_BATCH = 200
MAX_TRIGGER_DEPTH = 16


class TriggerDepthExceeded(Exception):
    def __init__(self):
        super().__init__("System.LimitException: Maximum trigger depth exceeded")


class SaveEngine:
    def __init__(self, org):
        self.org = org
        self._sp = 0

    # -- public operations ------------------------------------------------------------------
    def insert(self, tx, sobject: SObjectDef, inputs: list[dict]) -> list[SaveResult]:
        self._check_batch(inputs)
        prepared, results = [], [None] * len(inputs)
        for i, raw in enumerate(inputs):
            try:
                prepared.append((i, self._new_record(sobject, raw), None, None))
            except RecordFailed as exc:
                results[i] = SaveResult(None, False, [exc.error.to_dict()])
        return self._save(tx, "insert", sobject, prepared, results)

    def update(self, tx, sobject: SObjectDef, inputs: list[dict]) -> list[SaveResult]:
        self._check_batch(inputs)
        results = [None] * len(inputs)
        ids = []
        for i, raw in enumerate(inputs):
            rid = _input_id(raw)
            ids.append(rid)
            if rid is None:
                results[i] = SaveResult(
                    None, False, [SaveError("MISSING_ARGUMENT", "Id not specified in an update call", ["Id"]).to_dict()]
                )
        stored = self.org.store.get_rows(sobject, [r for r in ids if r])
        prepared = []
        for i, raw in enumerate(inputs):
            if results[i] is not None:
                continue
            prior = stored.get(ids[i])
            if prior is None:
                results[i] = SaveResult(
                    ids[i],
                    False,
                    [
                        SaveError(
                            "ENTITY_IS_DELETED" if ids[i][:3] == sobject.key_prefix else "MALFORMED_ID",
                            "entity is deleted" if ids[i][:3] == sobject.key_prefix else f"bad id {ids[i]}",
                        ).to_dict()
                    ],
                )
                continue
            try:
                record, changed = self._apply_changes(sobject, prior, raw)
                prepared.append((i, record, prior, changed))
            except RecordFailed as exc:
                results[i] = SaveResult(ids[i], False, [exc.error.to_dict()])
        return self._save(tx, "update", sobject, prepared, results)

    def upsert(self, tx, sobject: SObjectDef, external_field: str, inputs: list[dict]) -> list[SaveResult]:
        self._check_batch(inputs)
        fdef = sobject.field(external_field)
        if not (fdef.external_id or fdef.name == "Id"):
            raise OrgError(
                f"{fdef.name} is not an External ID or Id field of {sobject.name}", status_code="INVALID_FIELD"
            )
        results: list = [None] * len(inputs)
        inserts, updates = [], []
        for i, raw in enumerate(inputs):
            key = _get_ci(raw, fdef.name)
            if key in (None, ""):
                results[i] = SaveResult(
                    None, False, [SaveError("MISSING_ARGUMENT", f"{fdef.name} not specified", [fdef.name]).to_dict()]
                )
                continue
            matches = self.org.store.select(
                self.org.schema, sobject, ["Id"], Compare(fdef.name, "=", coerce(fdef, key))
            )
            if len(matches) > 1:
                results[i] = SaveResult(
                    None,
                    False,
                    [
                        SaveError(
                            "DUPLICATE_EXTERNAL_ID",
                            f"{fdef.name}: more than one record found for external id field: "
                            f"[{', '.join(m['Id'] for m in matches)}]",
                            [fdef.name],
                        ).to_dict()
                    ],
                )
            elif matches:
                updates.append((i, {**{k: v for k, v in raw.items() if k.lower() != "id"}, "Id": matches[0]["Id"]}))
            else:
                inserts.append((i, raw))
        for index, result in zip(
            [i for i, _ in inserts], self.insert(tx, sobject, [r for _, r in inserts]) if inserts else []
        ):
            result.created = result.success
            results[index] = result
        for index, result in zip(
            [i for i, _ in updates], self.update(tx, sobject, [r for _, r in updates]) if updates else []
        ):
            results[index] = result
        return results

    def delete(self, tx, sobject: SObjectDef, ids: list[str]) -> list[SaveResult]:
        self._check_batch(ids)
        from orgsim.storage.ids import normalize_id

        normalized = [normalize_id(r) if isinstance(r, str) else None for r in ids]
        stored = self.org.store.get_rows(sobject, [r for r in normalized if r])
        results = []
        for raw, rid in zip(ids, normalized):
            if rid is None or rid not in stored:
                results.append(SaveResult(raw, False, [SaveError("ENTITY_IS_DELETED", "entity is deleted").to_dict()]))
                continue
            self.org.store.delete_row(sobject, rid)
            self.org.scheduler.drop_for_record(rid)
            tx.pending_dml = True
            results.append(SaveResult(rid, True))
        return results

    # -- the save order -------------------------------------------------------------------------
    def _save(self, tx, op: str, sobject: SObjectDef, prepared: list, results: list) -> list[SaveResult]:
        if not prepared:
            return results
        if tx.depth >= MAX_TRIGGER_DEPTH:
            raise TriggerDepthExceeded()
        attempt = list(prepared)
        store = self.org.store
        for round_no in range(3):
            self._sp += 1
            savepoint = f"save_{self._sp}"
            store.savepoint(savepoint)
            tx.depth += 1
            try:
                work = [(i, copy.copy(rec), prior, changed) for i, rec, prior, changed in attempt]
                failures = self._attempt(tx, op, sobject, work)
            except BaseException:
                tx.depth -= 1
                store.rollback_to(savepoint)
                store.release(savepoint)
                raise
            tx.depth -= 1
            if not failures:
                store.release(savepoint)
                for i, rec, prior, _ in work:
                    results[i] = SaveResult(rec["Id"], True, [], created=(op == "insert"))
                return results
            store.rollback_to(savepoint)
            store.release(savepoint)
            for i, error in failures.items():
                results[i] = SaveResult(None if op == "insert" else _record_id(attempt, i), False, [error.to_dict()])
            attempt = [item for item in attempt if item[0] not in failures]
            if tx.depth == 0:
                tx.reset_for_retry()
            if not attempt:
                return results
        for i, rec, prior, _ in attempt:
            results[i] = SaveResult(
                None, False, [SaveError("UNKNOWN_EXCEPTION", "save failed after retries").to_dict()]
            )
        return results

    def _attempt(self, tx, op: str, sobject: SObjectDef, work: list) -> dict[int, SaveError]:
        org = self.org
        failures: dict[int, SaveError] = {}
        records = [rec for _, rec, _, _ in work]
        priors = [prior for _, _, prior, _ in work]
        # 1. before-save flows may change the records themselves.
        for pos, error in org.flow_runtime.run_trigger(tx, sobject, "before", op, records, priors).items():
            failures[work[pos][0]] = error
        # 2. system and custom validation.
        changed_sets = []
        for pos, (i, rec, prior, changed) in enumerate(work):
            if i in failures:
                changed_sets.append(None)
                continue
            now_changed = None if prior is None else {k for k in rec if rec.get(k) != prior.get(k)}
            changed_sets.append(now_changed)
            try:
                self._derive(sobject, rec)
                check_required(sobject, rec)
                check_picklists(sobject, rec, now_changed)
                check_validation_rules(org, sobject, rec, prior)
            except RecordFailed as exc:
                failures[i] = exc.error
        alive = [pos for pos, (i, *_rest) in enumerate(work) if i not in failures]
        for pos, error in check_references(
            org, sobject, [work[p][1] for p in alive], [changed_sets[p] for p in alive]
        ).items():
            failures[work[alive[pos]][0]] = error
        alive = [pos for pos, (i, *_rest) in enumerate(work) if i not in failures]
        for pos, error in check_unique(org, sobject, records, alive).items():
            failures[work[pos][0]] = error
        if failures:
            return failures
        # 3. write.
        now = org.clock.now()
        for i, rec, prior, _ in work:
            rec["LastModifiedDate"] = now
            rec["SystemModstamp"] = now
            rec["LastModifiedById"] = org.user_id
            if prior is None:
                org.store.insert_row(sobject, {k: v for k, v in rec.items() if v is not None})
            else:
                org.store.update_row(sobject, rec["Id"], {k: v for k, v in rec.items() if v != prior.get(k)})
        tx.pending_dml = True
        # 4. after-save flows (they may save again, recursively, in this transaction).
        for pos, error in org.flow_runtime.run_trigger(tx, sobject, "after", op, records, priors).items():
            failures[work[pos][0]] = error
        return failures

    # -- helpers ----------------------------------------------------------------------------------
    def _check_batch(self, inputs) -> None:
        if len(inputs) > MAX_BATCH:
            raise OrgError(
                f"a save takes at most {MAX_BATCH} records, got {len(inputs)}", status_code="EXCEEDED_ID_LIMIT"
            )

    def _new_record(self, sobject: SObjectDef, raw: dict) -> dict:
        org = self.org
        record = {
            name: (f.default if f.default is not None else (False if f.type == "boolean" else None))
            for name, f in sobject.fields.items()
        }
        for f in sobject.fields.values():
            if f.type == "picklist" and f.default_picklist_value:
                record[f.name] = f.default_picklist_value
        self._assign_inputs(sobject, record, raw, creating=True)
        now = org.clock.now()
        record["Id"] = org.store.new_id(sobject)
        record.update(CreatedDate=now, CreatedById=org.user_id, IsDeleted=False)
        if "OwnerId" in sobject.fields and record.get("OwnerId") is None:
            record["OwnerId"] = org.user_id
        for f in sobject.fields.values():
            if f.autonumber:
                record[f.name] = org.next_autonumber(sobject, f)
        return record

    def _apply_changes(self, sobject: SObjectDef, prior: dict, raw: dict) -> tuple[dict, set]:
        record = dict(prior)
        changed = self._assign_inputs(sobject, record, raw, creating=False)
        return record, changed

    def _assign_inputs(self, sobject: SObjectDef, record: dict, raw: dict, *, creating: bool) -> set:
        changed = set()
        for key, value in raw.items():
            if key == "attributes" or (key.lower() == "id" and not creating):
                continue
            fdef = sobject.field(key)  # unknown field: request-level INVALID_FIELD, as the REST API does
            if not fdef.updateable:
                raise RecordFailed(
                    SaveError(
                        "INVALID_FIELD_FOR_INSERT_UPDATE",
                        f"Unable to create/update fields: {fdef.name}. Please check the security settings "
                        "of this field and verify that it is read/write for your profile or permission set.",
                        [fdef.name],
                    )
                )
            record[fdef.name] = coerce(fdef, value)
            changed.add(fdef.name)
        return changed

    def _derive(self, sobject: SObjectDef, rec: dict) -> None:
        """Fields Salesforce computes on save."""
        if sobject.name == "Opportunity":
            stage = rec.get("StageName") or ""
            rec["IsWon"] = stage == "Closed Won"
            rec["IsClosed"] = stage in ("Closed Won", "Closed Lost") or stage.startswith("Closed")
        if sobject.name in ("Contact", "User"):
            rec["Name"] = " ".join(p for p in (rec.get("FirstName"), rec.get("LastName")) if p) or None


def _input_id(raw: dict) -> str | None:
    from orgsim.storage.ids import normalize_id

    value = _get_ci(raw, "Id")
    return normalize_id(value) if isinstance(value, str) else None


def _get_ci(raw: dict, name: str):
    for key, value in raw.items():
        if key.lower() == name.lower():
            return value
    return None


def _record_id(attempt, index):
    for i, rec, *_ in attempt:
        if i == index:
            return rec.get("Id")
    return None
