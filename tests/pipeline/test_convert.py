import pytest
from lxml import etree

from pipeline.mdapi.convert import ConversionError, convert_source

NS = {"md": "http://soap.sforce.com/2006/04/metadata"}


def test_package_xml_lists_every_component(source, tmp_path):
    out = tmp_path / "mdapi"
    convert_source(source, out, "66.0")
    package = etree.parse(str(out / "package.xml"))
    types = {
        t.findtext("md:name", namespaces=NS): [m.text for m in t.findall("md:members", NS)]
        for t in package.findall("md:types", NS)
    }
    assert types == {
        "BusinessProcess": ["Opportunity.Donation"],
        "CustomField": ["Opportunity.Stripe_Invoice_ID__c", "Opportunity.Stripe_Invoice_URL__c"],
        "EmailTemplate": ["Stripe_Invoicing", "Stripe_Invoicing/Payment_Reminder"],
        "Flow": ["Invoice_On_Create", "Reminder"],
        "PermissionSet": ["Stripe_Invoicing_Fields"],
        "RecordType": ["Opportunity.Nonprofit"],
        "Workflow": ["Opportunity"],
    }
    assert package.findtext("md:version", namespaces=NS) == "66.0"


def test_mdapi_file_layout(sample_files, source, tmp_path):
    out = tmp_path / "mdapi"
    convert_source(source, out, "66.0")
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        "email/Stripe_Invoicing-meta.xml",
        "email/Stripe_Invoicing/Payment_Reminder.email",
        "email/Stripe_Invoicing/Payment_Reminder.email-meta.xml",
        "flows/Invoice_On_Create.flow",
        "flows/Reminder.flow",
        "objects/Opportunity.object",
        "package.xml",
        "permissionsets/Stripe_Invoicing_Fields.permissionset",
        "workflows/Opportunity.workflow",
    ]
    # Whole files are copied byte for byte.
    assert (out / "flows/Reminder.flow").read_text() == sample_files["main/default/flows/Reminder.flow-meta.xml"]


def test_object_children_merge_in_schema_order(source, tmp_path):
    out = tmp_path / "mdapi"
    convert_source(source, out, "66.0")
    root = etree.parse(str(out / "objects/Opportunity.object")).getroot()
    tags = [(etree.QName(c).localname, c.findtext("md:fullName", namespaces=NS)) for c in root]
    # businessProcesses < fields < recordTypes in the WSDL's CustomObject sequence.
    assert tags == [
        ("businessProcesses", "Donation"),
        ("fields", "Stripe_Invoice_ID__c"),
        ("fields", "Stripe_Invoice_URL__c"),
        ("recordTypes", "Nonprofit"),
    ]
    field = root.findall("md:fields", NS)[0]
    assert [etree.QName(c).localname for c in field] == ["fullName", "externalId", "label", "length", "type", "unique"]


def test_output_is_deterministic(source, tmp_path):
    convert_source(source, tmp_path / "a", "66.0")
    convert_source(source, tmp_path / "b", "66.0")
    for path in (tmp_path / "a").rglob("*"):
        if path.is_file():
            assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()


def test_flow_status_rewrites_only_the_copy(sample_files, source, tmp_path):
    out = tmp_path / "mdapi"
    convert_source(source, out, "66.0", flow_status="Draft")
    converted = (out / "flows/Invoice_On_Create.flow").read_text()
    original = sample_files["main/default/flows/Invoice_On_Create.flow-meta.xml"]
    assert converted == original.replace("<status>Active</status>", "<status>Draft</status>")
    assert (source / "main/default/flows/Invoice_On_Create.flow-meta.xml").read_text() == original


def test_errors_map_back_to_source_file_and_line(sample_files, source, tmp_path):
    out = tmp_path / "mdapi"
    conversion = convert_source(source, out, "66.0", display_root=tmp_path)
    merged = (out / "objects/Opportunity.object").read_text().splitlines()
    # Find the merged line of <unique>true</unique> and ask for it back.
    line = next(i for i, text in enumerate(merged, 1) if "<unique>" in text)
    path, source_line = conversion.locate(
        "CustomField", "Opportunity.Stripe_Invoice_ID__c", "metadata/objects/Opportunity.object", line
    )
    assert str(path) == "force-app/main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml"
    source_text = sample_files[
        "main/default/objects/Opportunity/fields/Stripe_Invoice_ID__c.field-meta.xml"
    ].splitlines()
    assert "<unique>true</unique>" in source_text[source_line - 1]
    # By file name alone (no component type), a flow maps 1:1.
    path, source_line = conversion.locate(None, None, "flows/Reminder.flow", 4)
    assert str(path) == "force-app/main/default/flows/Reminder.flow-meta.xml" and source_line == 4


def test_unknown_file_type_is_refused_with_its_path(source, tmp_path):
    (source / "main/default/widgets").mkdir(parents=True)
    (source / "main/default/widgets/Foo.widget-meta.xml").write_text("<Widget/>")
    with pytest.raises(ConversionError) as info:
        convert_source(source, tmp_path / "mdapi", "66.0")
    assert info.value.path.name == "Foo.widget-meta.xml"
    assert info.value.problem == "unknown metadata file suffix `.widget-meta.xml`"


def test_static_resources_are_refused_not_guessed(source, tmp_path):
    (source / "main/default/staticresources").mkdir(parents=True)
    (source / "main/default/staticresources/Logo.resource-meta.xml").write_text(
        '<StaticResource xmlns="http://soap.sforce.com/2006/04/metadata"/>'
    )
    with pytest.raises(ConversionError, match="StaticResource files are not supported"):
        convert_source(source, tmp_path / "mdapi", "66.0")


def test_apex_source_and_its_meta_file_are_copied(source, tmp_path):
    classes = source / "main/default/classes"
    classes.mkdir(parents=True)
    (classes / "InvoiceTest.cls").write_text("@IsTest class InvoiceTest {}\n")
    (classes / "InvoiceTest.cls-meta.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">'
        "<apiVersion>66.0</apiVersion><status>Active</status></ApexClass>\n"
    )
    conversion = convert_source(source, tmp_path / "mdapi", "66.0")
    assert conversion.members["ApexClass"] == {"InvoiceTest"}
    assert (tmp_path / "mdapi/classes/InvoiceTest.cls").read_text() == "@IsTest class InvoiceTest {}\n"
    assert (tmp_path / "mdapi/classes/InvoiceTest.cls-meta.xml").exists()
    (classes / "InvoiceTest.cls-meta.xml").unlink()
    with pytest.raises(ConversionError, match="content file without its InvoiceTest.cls-meta.xml"):
        convert_source(source, tmp_path / "mdapi2", "66.0")


def test_malformed_xml_names_file_and_line(sample_files, source, tmp_path):
    broken = source / "main/default/flows/Reminder.flow-meta.xml"
    broken.write_text(sample_files["main/default/flows/Reminder.flow-meta.xml"].replace("</label>", "</lable>"))
    with pytest.raises(ConversionError) as info:
        convert_source(source, tmp_path / "mdapi", "66.0")
    assert info.value.path == broken
    assert info.value.problem.startswith("line 4: malformed XML")


def test_field_full_name_must_match_file_name(source, tmp_path):
    path = source / "main/default/objects/Opportunity/fields/Stripe_Invoice_URL__c.field-meta.xml"
    path.write_text(path.read_text().replace("<fullName>Stripe_Invoice_URL__c", "<fullName>Other__c"))
    with pytest.raises(ConversionError, match="does not match the file name"):
        convert_source(source, tmp_path / "mdapi", "66.0")


def test_email_template_without_body_is_refused(source, tmp_path):
    (source / "main/default/email/Stripe_Invoicing/Payment_Reminder.email").unlink()
    with pytest.raises(ConversionError, match="EmailTemplate Payment_Reminder has no Payment_Reminder.email"):
        convert_source(source, tmp_path / "mdapi", "66.0")
