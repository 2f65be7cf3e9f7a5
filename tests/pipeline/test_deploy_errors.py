"""Reading Salesforce's deploy answers (REST JSON and SOAP XML) into located failures."""

import json

import requests

from pipeline.deploy_errors import DeployReport, report_from_response, report_from_rest, report_from_soap

REST_FAILED = {
    "id": "0Af000000000001",
    "deployResult": {
        "id": "0Af000000000001",
        "status": "Failed",
        "done": True,
        "checkOnly": False,
        "numberComponentErrors": 1,
        "numberComponentsTotal": 9,
        "details": {
            "componentFailures": [
                {
                    "changed": False,
                    "created": False,
                    "deleted": False,
                    "success": False,
                    "componentType": "Flow",
                    "fullName": "Invoice_On_Create",
                    "fileName": "flows/Invoice_On_Create.flow",
                    "lineNumber": 12,
                    "columnNumber": 9,
                    "problemType": "Error",
                    "problem": "The element Missing_Element referenced by Start does not exist.",
                }
            ],
            "runTestResult": {"numFailures": 0, "failures": []},
        },
    },
}

SOAP_FAILED = b"""<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns="http://soap.sforce.com/2006/04/metadata">
<soapenv:Body><checkDeployStatusResponse><result>
<checkOnly>true</checkOnly>
<details>
<componentFailures><changed>false</changed><componentType>CustomField</componentType><created>false</created>
<deleted>false</deleted><fileName>objects/Opportunity.object</fileName><fullName>Opportunity.Stripe_Invoice_ID__c</fullName>
<lineNumber>7</lineNumber><columnNumber>13</columnNumber><problem>Invalid field type: Textt</problem><problemType>Error</problemType>
<success>false</success></componentFailures>
<runTestResult><failures><message>System.AssertException: Assertion Failed</message><methodName>testPay</methodName>
<name>InvoiceTest</name><stackTrace>Class.InvoiceTest.testPay: line 5</stackTrace></failures></runTestResult>
</details>
<done>true</done><status>Failed</status>
</result></checkDeployStatusResponse></soapenv:Body></soapenv:Envelope>"""


def _response(body: bytes, content_type: str) -> requests.Response:
    response = requests.Response()
    response.status_code = 200
    response._content = body
    response.headers["Content-Type"] = content_type
    return response


def test_rest_component_failure():
    report = report_from_rest(REST_FAILED)
    assert report.status == "Failed"
    (failure,) = report.component_failures
    assert (failure.component_type, failure.full_name, failure.line, failure.column) == (
        "Flow",
        "Invoice_On_Create",
        12,
        9,
    )
    assert report.lines() == [
        "flows/Invoice_On_Create.flow:12: Error: The element Missing_Element referenced by Start does not exist."
        "  [Flow Invoice_On_Create]"
    ]


def test_rest_single_failure_object_and_located_source():
    body = json.loads(json.dumps(REST_FAILED))
    body["deployResult"]["details"]["componentFailures"] = body["deployResult"]["details"]["componentFailures"][0]
    report = report_from_response(_response(json.dumps(body).encode(), "application/json;charset=UTF-8"))
    failure = report.component_failures[0]
    failure.source, failure.source_line = "force-app/main/default/flows/Invoice_On_Create.flow-meta.xml", 12
    assert failure.describe().startswith("force-app/main/default/flows/Invoice_On_Create.flow-meta.xml:12: Error:")


def test_soap_component_and_test_failures():
    report = report_from_response(_response(SOAP_FAILED, "text/xml; charset=utf-8"))
    assert report.check_only is True
    assert [f.full_name for f in report.component_failures] == ["Opportunity.Stripe_Invoice_ID__c"]
    assert report.component_failures[0].line == 7
    assert (
        report.test_failures[0].describe() == "Apex test InvoiceTest.testPay: System.AssertException: Assertion Failed"
    )


def test_rest_error_body_list():
    body = json.dumps([{"errorCode": "INVALID_SESSION_ID", "message": "Session expired or invalid"}]).encode()
    report = report_from_response(_response(body, "application/json"))
    assert report.lines() == ["INVALID_SESSION_ID: Session expired or invalid"]


def test_report_round_trips_through_json(tmp_path):
    report = report_from_soap(SOAP_FAILED)
    report.write(tmp_path / "r.json")
    again = DeployReport.from_json((tmp_path / "r.json").read_text())
    assert again == report


def test_unreadable_response_gives_none():
    assert report_from_response(_response(b"<html>oops", "text/html")) is None
    assert report_from_response(None) is None
