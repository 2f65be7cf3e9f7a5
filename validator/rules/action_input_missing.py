from validator.rules._actions import connector_calls, input_parameters
from validator.rules.base import Rule


class ActionInputMissing(Rule):
    id = "action-input-missing"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Every required input of a connector action call is set, including the common `accountRecordId`."
    hint = (
        "Add an inputParameters entry with a value; `accountRecordId` takes the Id of the "
        "stripeGC__Stripe_Account__c record (look it up by Name)."
    )

    def check(self, flow, context):
        for element, action in connector_calls(flow, context):
            given = {name.lower() for name, _, has_value in input_parameters(element) if has_value}
            for param in action.params.values():
                if param.required and param.name.lower() not in given:
                    yield self.finding(
                        flow.file.display,
                        element.line,
                        f"`{element.name}`: required input `{param.name}` of `{action.name}` is not set",
                    )
