from validator.rules._actions import connector_calls, input_parameters
from validator.rules.base import Rule


class ActionInputUnknown(Rule):
    id = "action-input-unknown"
    # Refused by the emulated deploy as by a real one (docs/validator.md, "Rules at deploy").
    enforced_at_deploy = True
    message = "Every input of a connector action call is an input the action declares (its own or a common one)."
    hint = "Use the input names of the connector catalog; Apex reserved words take an `r_` prefix (`r_currency`)."

    def check(self, flow, context):
        for element, action in connector_calls(flow, context):
            for name, line, _ in input_parameters(element):
                if action.param(name) is None:
                    import difflib  # only for the message: not every run's start-up

                    known = [p.name for p in action.params.values()]
                    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                    suggestion = f"; did you mean `{close[0]}`?" if close else ""
                    yield self.finding(
                        flow.file.display,
                        line,
                        f"`{element.name}`: `{action.name}` has no input `{name}`{suggestion}",
                    )
