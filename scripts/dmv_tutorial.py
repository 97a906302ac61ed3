"""AWS's DMV ("vehicle registration") sample application, step by step, with pyqldb against `qldb serve`.

Usage: dmv_tutorial.py ENDPOINT LEDGER ACCESS_KEY SECRET

Each step sends the PartiQL statements that the Python sample application
(aws-samples/amazon-qldb-dmv-sample-python, pyqldbsamples/*.py) sends, with the
same parameters and the sample's data, and asserts what Amazon QLDB returns:
exact documents, fields and counts. One line `ok <step>` per step; the first
mismatch prints the statement, its parameters, what came back and what was
expected, and exits 1.

Steps run, in the order of the QLDB developer guide's Python tutorial:
connect_to_ledger, create_table, create_index, insert_document, list_tables,
scan_table, find_vehicles, add_secondary_owner, deregister_drivers_license,
register_drivers_license, renew_drivers_license, transfer_vehicle_ownership,
query_history, get_revision and get_block (their PartiQL part: the committed
view), redact_revision (everything but the redaction itself), insert_ion_types,
and a final scan of every table against the expected end state.

Sample steps not in this script, and where they are checked:
- create_ledger, describe_ledger, list_ledgers, delete_ledger,
  deletion_protection, tag_resource, get_digest, the GetRevision / GetBlock
  calls and proof verification of get_revision, get_block and verifier,
  export_journal, describe_journal_export, list_journal_exports,
  journal_s3_export_reader, validate_qldb_hash_chain: the `qldb` control-plane
  API, with boto3 and moto in scripts/control_plane_boto3.py (this script
  keeps to QLDBSession and pyqldb; their `_ql_committed_` queries run here).
- redact_revision's `EXEC redact_revision` and its wait for the revision's data
  to disappear: RedactionTests (Swift) and the DMV suite run by hand
  (docs/ledger.md). The ownership transfer, the information_schema and
  history lookups around it run here.
- occ_conflict_demo: removed from the sample when it moved to pyqldb 3 (it drove
  two QldbSession objects by hand, which pyqldb 3 no longer exposes); OCC
  conflicts and retries are covered by interop_pyqldb.py.
"""
import copy
import json
import sys
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import boto3
from amazon.ion.core import IonType
from amazon.ion.simple_types import (IonPyBool, IonPyBytes, IonPyDecimal, IonPyDict, IonPyFloat, IonPyInt,
                                     IonPyList, IonPyNull, IonPySymbol, IonPyText, IonPyTimestamp)
from amazon.ion.simpleion import dumps, loads
from amazon.ion.symbols import SymbolToken
from pyqldb.driver.qldb_driver import QldbDriver

endpoint, ledger, access_key, secret = sys.argv[1:5]

# --- The sample's data (pyqldbsamples/model/sample_data.py). PersonIds are filled in from the inserted Person ids.

PEOPLE = [
    {"FirstName": "Raul", "LastName": "Lewis", "Address": "1719 University Street, Seattle, WA, 98109",
     "DOB": datetime(1963, 8, 19), "GovId": "LEWISR261LL", "GovIdType": "Driver License"},
    {"FirstName": "Brent", "LastName": "Logan", "DOB": datetime(1967, 7, 3),
     "Address": "43 Stockert Hollow Road, Everett, WA, 98203", "GovId": "LOGANB486CG", "GovIdType": "Driver License"},
    {"FirstName": "Alexis", "LastName": "Pena", "DOB": datetime(1974, 2, 10),
     "Address": "4058 Melrose Street, Spokane Valley, WA, 99206", "GovId": "744 849 301", "GovIdType": "SSN"},
    {"FirstName": "Melvin", "LastName": "Parker", "DOB": datetime(1976, 5, 22),
     "Address": "4362 Ryder Avenue, Seattle, WA, 98101", "GovId": "P626-168-229-765", "GovIdType": "Passport"},
    {"FirstName": "Salvatore", "LastName": "Spencer", "DOB": datetime(1997, 11, 15),
     "Address": "4450 Honeysuckle Lane, Seattle, WA, 98101", "GovId": "S152-780-97-415-0", "GovIdType": "Passport"},
]
LICENSES = [
    {"PersonId": "", "LicenseNumber": "LEWISR261LL", "LicenseType": "Learner",
     "ValidFromDate": datetime(2016, 12, 20), "ValidToDate": datetime(2020, 11, 15)},
    {"PersonId": "", "LicenseNumber": "LOGANB486CG", "LicenseType": "Probationary",
     "ValidFromDate": datetime(2016, 4, 6), "ValidToDate": datetime(2020, 11, 15)},
    {"PersonId": "", "LicenseNumber": "744 849 301", "LicenseType": "Full",
     "ValidFromDate": datetime(2017, 12, 6), "ValidToDate": datetime(2022, 10, 15)},
    {"PersonId": "", "LicenseNumber": "P626-168-229-765", "LicenseType": "Learner",
     "ValidFromDate": datetime(2017, 8, 16), "ValidToDate": datetime(2021, 11, 15)},
    {"PersonId": "", "LicenseNumber": "S152-780-97-415-0", "LicenseType": "Probationary",
     "ValidFromDate": datetime(2015, 8, 15), "ValidToDate": datetime(2021, 8, 21)},
]
VEHICLES = [
    {"VIN": "1N4AL11D75C109151", "Type": "Sedan", "Year": 2011, "Make": "Audi", "Model": "A5", "Color": "Silver"},
    {"VIN": "KM8SRDHF6EU074761", "Type": "Sedan", "Year": 2015, "Make": "Tesla", "Model": "Model S", "Color": "Blue"},
    {"VIN": "3HGGK5G53FM761765", "Type": "Motorcycle", "Year": 2011, "Make": "Ducati", "Model": "Monster 1200",
     "Color": "Yellow"},
    {"VIN": "1HVBBAANXWH544237", "Type": "Semi", "Year": 2009, "Make": "Ford", "Model": "F 150", "Color": "Black"},
    {"VIN": "1C4RJFAG0FC625797", "Type": "Sedan", "Year": 2019, "Make": "Mercedes", "Model": "CLK 350",
     "Color": "White"},
]


def registration(vin, plate, city, amount, valid_from, valid_to):
    return {"VIN": vin, "LicensePlateNumber": plate, "State": "WA", "City": city,
            "PendingPenaltyTicketAmount": Decimal(amount), "ValidFromDate": valid_from, "ValidToDate": valid_to,
            "Owners": {"PrimaryOwner": {"PersonId": ""}, "SecondaryOwners": []}}


REGISTRATIONS = [
    registration("1N4AL11D75C109151", "LEWISR261LL", "Seattle", "90.25", datetime(2017, 8, 21), datetime(2020, 5, 11)),
    registration("KM8SRDHF6EU074761", "CA762X", "Kent", "130.75", datetime(2017, 9, 14), datetime(2020, 6, 25)),
    registration("3HGGK5G53FM761765", "CD820Z", "Everett", "442.30", datetime(2011, 3, 17), datetime(2021, 3, 24)),
    registration("1HVBBAANXWH544237", "LS477D", "Tacoma", "42.20", datetime(2011, 10, 26), datetime(2023, 9, 25)),
    registration("1C4RJFAG0FC625797", "TH393F", "Olympia", "30.45", datetime(2013, 9, 2), datetime(2024, 3, 19)),
]
TABLES = ["DriversLicense", "Person", "Vehicle", "VehicleRegistration"]
# (table, field) in the order create_index.py creates them.
INDEXES = [("Person", "GovId"), ("Vehicle", "VIN"), ("VehicleRegistration", "LicensePlateNumber"),
           ("VehicleRegistration", "VIN"), ("DriversLicense", "PersonId"), ("DriversLicense", "LicenseNumber")]
NEW_PERSON = {"FirstName": "Kate", "LastName": "Mulberry", "Address": "22 Commercial Drive, Blaine, WA, 97722",
              "DOB": datetime(1995, 2, 9), "GovId": "AQQ17B2342", "GovIdType": "Passport"}
NEW_LICENSE = {"PersonId": "", "LicenseNumber": "112 360 PXJ", "LicenseType": "Full",
               "ValidFromDate": datetime(2018, 6, 30), "ValidToDate": datetime(2022, 10, 30)}
RENEWED_FROM, RENEWED_TO = datetime(2019, 4, 19), datetime(2023, 4, 19)

# --- Plumbing.

step = "setup"
last = None  # (statement, parameters, rows) of the latest statement, for failure messages
passed = 0


def ion(value):
    """The Ion value a Python value becomes on the wire (as the sample's convert_object_to_ion)."""
    return loads(dumps(value))


def text(value):
    try:
        return dumps(value, binary=False, omit_version_marker=True)
    except Exception:  # noqa: BLE001 - best effort for messages
        return repr(value)


def fail(what, got=None, expected=None):
    print(f"FAIL {step}: {what}")
    if last is not None:
        statement, parameters, rows = last
        print(f"  statement:  {statement}")
        if parameters:
            print(f"  parameters: {', '.join(text(p) for p in parameters)}")
        print(f"  returned:   {text(rows) if rows is not None else '(error)'}")
    if got is not None or expected is not None:
        print(f"  got:        {got}")
        print(f"  expected:   {expected}")
    sys.exit(1)


def expect(condition, what, got=None, expected=None):
    if not condition:
        fail(what, got, expected)


def done(detail=""):
    global passed
    passed += 1
    print(f"ok {step}" + (f" ({detail})" if detail else ""))


def canon(value):
    """A comparable form of an Ion value that keeps Ion types, decimal and timestamp precision, and symbols."""
    kind = getattr(value, "ion_type", None)
    if value is None or isinstance(value, IonPyNull):
        return ("null", kind.name if kind is not None else "NULL")
    if kind is IonType.STRUCT or isinstance(value, dict):
        return {str(k): canon(v) for k, v in value.items()}
    if kind is IonType.SEXP:
        return ("sexp", [canon(v) for v in value])
    if kind is IonType.LIST or isinstance(value, list):
        return [canon(v) for v in value]
    if kind is IonType.SYMBOL:
        return ("symbol", value.text)
    if kind is IonType.TIMESTAMP:
        return ("timestamp", text(value))
    if kind is IonType.DECIMAL or isinstance(value, Decimal):
        return ("decimal", str(value))
    if kind is IonType.FLOAT:
        return ("float", float(value))
    if kind in (IonType.BLOB, IonType.CLOB):
        return (kind.name.lower(), bytes(value).hex())
    if kind is IonType.BOOL or isinstance(value, bool):
        return ("bool", bool(value))
    if kind is IonType.INT:
        return int(value)
    if kind is IonType.STRING:
        return str(value)
    return value


def sort_key(item):
    return json.dumps(item, sort_keys=True, default=str)


def rows_equal(actual, expected, ordered=False):
    got = [canon(r) for r in actual]
    want = [canon(ion(r)) for r in expected]
    if not ordered:
        got.sort(key=sort_key)
        want.sort(key=sort_key)
    return got == want


def expect_rows(actual, expected, what, ordered=False):
    if not rows_equal(actual, expected, ordered):
        fail(what, got=text(actual), expected=text(ion(expected)))


def run_in(txn, statement, *parameters):
    """Runs one statement in an open transaction and returns its rows as a list."""
    global last
    last = (statement, parameters, None)
    rows = list(txn.execute_statement(statement, *parameters))
    last = (statement, parameters, rows)
    return rows


def run(statement, *parameters):
    """Runs one statement in its own transaction (driver.execute_lambda), as most of the sample's helpers do."""
    return qldb.execute_lambda(lambda txn: run_in(txn, statement, *parameters))


def document_ids(rows):
    expect(all("documentId" in r for r in rows), "every DML result row has a documentId")
    return [str(r["documentId"]) for r in rows]


def ids_by(txn, table, field, value):
    """sample_data.get_document_ids: the ids of the documents whose `field` is `value`, through a BY clause."""
    rows = run_in(txn, f"SELECT id FROM {table} AS t BY id WHERE t.{field} = ?", ion(value))
    expect(all(list(r.keys()) == ["id"] for r in rows), "BY-id projection rows have exactly one field, id")
    return [str(r["id"]) for r in rows]


def ids_of(table, field, value):
    return qldb.execute_lambda(lambda txn: ids_by(txn, table, field, value))


def is_document_id(value):
    return isinstance(value, str) and len(value) == 22 and value.isalnum()


def history_time(moment):
    """query_history.format_date_time: an Ion timestamp literal with microseconds, in backquotes."""
    return moment.strftime("`%Y-%m-%dT%H:%M:%S.%fZ`")


session = boto3.Session(aws_access_key_id=access_key, aws_secret_access_key=secret, region_name="us-east-1")
qldb = QldbDriver(ledger_name=ledger, endpoint_url=endpoint, boto3_session=session)


def main():
    global step
    state = {}

    # connect_to_ledger.py: connect and list the (still empty) ledger's tables.
    step = "connect_to_ledger"
    tables = sorted(str(t) for t in qldb.list_tables())
    expect(tables == [], "a fresh ledger has no tables", tables, [])
    done()

    # create_table.py: one CREATE TABLE per table, each in its own transaction; each returns {tableId}.
    step = "create_table"
    table_ids = {}
    for table in ["DriversLicense", "Person", "Vehicle", "VehicleRegistration"]:
        rows = qldb.execute_lambda(lambda txn: run_in(txn, f"CREATE TABLE {table}"))
        expect(len(rows) == 1 and list(rows[0].keys()) == ["tableId"] and is_document_id(str(rows[0]["tableId"])),
               f"CREATE TABLE {table} returns one {{tableId}} struct")
        table_ids[table] = str(rows[0]["tableId"])
    expect(len(set(table_ids.values())) == 4, "every table has its own tableId")
    done()

    # create_index.py: `CREATE INDEX on T (field)`; each returns the table's {tableId}.
    step = "create_index"
    for table, field in INDEXES:
        rows = run(f"CREATE INDEX on {table} ({field})")
        expect_rows(rows, [{"tableId": table_ids[table]}], f"CREATE INDEX on {table} ({field}) returns its tableId")
    done(f"{len(INDEXES)} indexes")

    # insert_document.py: INSERT INTO T ? with the whole list, one transaction per table; PersonIds come from the
    # Person inserts, in order (license i and registration i belong to person i).
    step = "insert_document"

    def insert_all(table, documents):
        rows = run(f"INSERT INTO {table} ?", ion(documents))
        ids = document_ids(rows)
        expect(len(ids) == len(documents) and len(set(ids)) == len(ids) and all(is_document_id(i) for i in ids),
               f"INSERT INTO {table} ? with {len(documents)} documents returns {len(documents)} distinct documentIds")
        return ids

    person_ids = insert_all("Person", PEOPLE)
    licenses = copy.deepcopy(LICENSES)
    registrations = copy.deepcopy(REGISTRATIONS)
    for i, person_id in enumerate(person_ids):
        licenses[i]["PersonId"] = person_id
        registrations[i]["Owners"]["PrimaryOwner"]["PersonId"] = person_id
    vehicle_ids = insert_all("Vehicle", VEHICLES)
    registration_ids = insert_all("VehicleRegistration", registrations)
    license_ids = insert_all("DriversLicense", licenses)
    expect(len(set(person_ids + vehicle_ids + registration_ids + license_ids)) == 20, "20 distinct document ids")
    done("5 documents in each of 4 tables")

    # list_tables.py: driver.list_tables().
    step = "list_tables"
    tables = sorted(str(t) for t in qldb.list_tables())
    expect(tables == TABLES, "list_tables() returns the 4 tables", tables, TABLES)
    done()

    # scan_table.py: SELECT * FROM T for every table list_tables() returns.
    step = "scan_table"
    contents = {"Person": PEOPLE, "Vehicle": VEHICLES, "VehicleRegistration": registrations,
                "DriversLicense": licenses}
    for table in qldb.list_tables():
        rows = run(f"SELECT * FROM {table}")
        expect_rows(rows, contents[str(table)], f"SELECT * FROM {table} returns the inserted documents")
    done()

    # find_vehicles.py: the vehicles whose registration's primary owner is PEOPLE[0].
    step = "find_vehicles"
    owners = ids_of("Person", "GovId", PEOPLE[0]["GovId"])
    expect(owners == [person_ids[0]], "the Person BY-id lookup finds PEOPLE[0]", owners, [person_ids[0]])
    rows = run("SELECT Vehicle FROM Vehicle INNER JOIN VehicleRegistration AS r "
               "ON Vehicle.VIN = r.VIN WHERE r.Owners.PrimaryOwner.PersonId = ?", owners[0])
    expect_rows(rows, [{"Vehicle": VEHICLES[0]}], "the join returns {Vehicle: <the Audi>}")
    done()

    # add_secondary_owner.py: PEOPLE[0] becomes a secondary owner of VEHICLES[1]. The sample builds the new owner
    # with to_ion_struct, i.e. from the Ion text {'PersonId': '<id>'}, so the PersonId is an Ion *symbol*.
    step = "add_secondary_owner"
    vin = VEHICLES[1]["VIN"]

    def secondary_owner_ids():
        rows = run("SELECT Owners.SecondaryOwners FROM VehicleRegistration AS v WHERE v.VIN = ?", ion(vin))
        expect(len(rows) == 1 and list(rows[0].keys()) == ["SecondaryOwners"],
               "the SecondaryOwners projection returns one row with one field, SecondaryOwners")
        owners = rows[0]["SecondaryOwners"]
        # The sample reads owner.get('PersonId').text: the symbol must come back as a symbol.
        expect(all(isinstance(o["PersonId"], IonPySymbol) for o in owners), "secondary owners' PersonIds are symbols")
        return [o["PersonId"].text for o in owners]

    new_owner = ids_of("Person", "GovId", PEOPLE[0]["GovId"])
    expect(new_owner == [person_ids[0]], "the Person BY-id lookup finds PEOPLE[0]")
    expect(secondary_owner_ids() == [], "no secondary owner yet")
    owner = loads("{PersonId: '%s'}" % new_owner[0])
    rows = run("FROM VehicleRegistration AS v WHERE v.VIN = ? INSERT INTO v.Owners.SecondaryOwners VALUE ?",
               ion(vin), owner)
    expect(document_ids(rows) == [registration_ids[1]], "FROM-INSERT returns the registration's documentId",
           document_ids(rows), [registration_ids[1]])
    got = secondary_owner_ids()
    expect(got == [person_ids[0]], "the secondary owner was appended", got, [person_ids[0]])
    # Running the sample again finds the owner already registered and adds nothing.
    expect(person_ids[0] in secondary_owner_ids(), "a second run sees the owner as already registered")
    registrations[1]["Owners"]["SecondaryOwners"].append({"PersonId": SymbolToken(person_ids[0], None)})
    done()

    # deregister_drivers_license.py: DELETE LICENSES[1].
    step = "deregister_drivers_license"
    number = LICENSES[1]["LicenseNumber"]
    rows = run("DELETE FROM DriversLicense AS d WHERE d.LicenseNumber = ?", ion(number))
    expect(document_ids(rows) == [license_ids[1]], "DELETE returns the license's documentId",
           document_ids(rows), [license_ids[1]])
    rows = run("DELETE FROM DriversLicense AS d WHERE d.LicenseNumber = ?", ion(number))
    expect(rows == [], "deleting it again finds nothing (the sample's 'license not found' branch)")
    rows = run("SELECT * FROM DriversLicense AS d WHERE d.PersonId = ?", person_ids[1])
    expect(rows == [], "the license is gone")
    del licenses[1]
    done()

    # register_drivers_license.py: register a new person, then a license for them; a second run changes nothing.
    step = "register_drivers_license"

    def register():
        exists = qldb.execute_lambda(
            lambda txn: len(run_in(txn, "SELECT * FROM Person AS p WHERE p.GovId = ?", ion(NEW_PERSON["GovId"]))) > 0)
        if exists:
            found = ids_of("Person", "GovId", NEW_PERSON["GovId"])
            expect(len(found) == 1, "the existing person is found once", found)
            person_id = found[0]
        else:
            rows = run("INSERT INTO Person ?", ion([NEW_PERSON]))
            expect(len(rows) == 1, "INSERT of a one-element list returns one documentId")
            person_id = document_ids(rows)[0]
        has = qldb.execute_lambda(
            lambda txn: len(run_in(txn, "SELECT * FROM DriversLicense AS d WHERE d.PersonId = ?", person_id)) > 0)
        inserted = None
        if not has:
            license = dict(NEW_LICENSE, PersonId=person_id)
            rows = run("INSERT INTO DriversLicense ?", ion(license))
            expect(len(rows) == 1 and is_document_id(document_ids(rows)[0]), "INSERT of a struct returns a documentId")
            inserted = document_ids(rows)[0]
        return exists, person_id, has, inserted

    exists, kate_id, had_license, kate_license_id = register()
    expect(not exists and not had_license and kate_license_id is not None,
           "first run: the person is new and gets a license")
    kate_license = dict(NEW_LICENSE, PersonId=kate_id)
    rows = run("SELECT * FROM DriversLicense AS d WHERE d.PersonId = ?", kate_id)
    expect_rows(rows, [kate_license], "the new license is found by PersonId")
    again = register()
    expect(again == (True, kate_id, True, None), "second run: the person exists and already has a license",
           again, (True, kate_id, True, None))
    rows = run("SELECT * FROM DriversLicense AS d WHERE d.PersonId = ?", kate_id)
    expect(len(rows) == 1, "still exactly one license for the new person", len(rows), 1)
    licenses.append(kate_license)
    done()

    # renew_drivers_license.py: check LICENSES[0]'s person exists (SELECT p.* ... BY pid), then set new dates.
    step = "renew_drivers_license"
    number = LICENSES[0]["LicenseNumber"]
    rows = run("SELECT PersonId FROM DriversLicense AS d WHERE d.LicenseNumber = ?", ion(number))
    expect_rows(rows, [{"PersonId": person_ids[0]}], "the license's PersonId")
    pid = rows[0]["PersonId"]
    rows = run("SELECT p.* FROM Person AS p BY pid WHERE pid = ?", pid)
    expect_rows(rows, [PEOPLE[0]], "SELECT p.* ... BY pid returns the person's fields")
    rows = run("UPDATE DriversLicense AS d SET d.ValidFromDate = ?, d.ValidToDate = ? WHERE d.LicenseNumber = ?",
               ion(RENEWED_FROM), ion(RENEWED_TO), ion(number))
    expect(document_ids(rows) == [license_ids[0]], "UPDATE returns the license's documentId",
           document_ids(rows), [license_ids[0]])
    licenses[0].update(ValidFromDate=RENEWED_FROM, ValidToDate=RENEWED_TO)
    rows = run("SELECT * FROM DriversLicense AS d WHERE d.PersonId = ?", person_ids[0])
    expect_rows(rows, [licenses[0]], "the license carries the new dates")
    done()

    # transfer_vehicle_ownership.py: VEHICLES[0] passes from PEOPLE[0] to PEOPLE[1].
    step = "transfer_vehicle_ownership"

    def primary_owner(vin):
        rows = run("SELECT Owners.PrimaryOwner.PersonId FROM VehicleRegistration AS v WHERE v.VIN = ?", ion(vin))
        expect(len(rows) == 1 and list(rows[0].keys()) == ["PersonId"], "the primary owner projection has one row")
        person = qldb.execute_lambda(
            lambda txn: run_in(txn, "SELECT p.* FROM Person AS p BY pid WHERE pid = ?", rows[0]["PersonId"]))
        expect(len(person) == 1, "the primary owner's Person document is found")
        return str(rows[0]["PersonId"]), person[0]

    def transfer(vin, current_gov_id, new_gov_id, index):
        _, owner = primary_owner(vin)
        expect(owner["GovId"] == current_gov_id, "the current primary owner is the expected person",
               str(owner["GovId"]), current_gov_id)
        new_ids = ids_of("Person", "GovId", new_gov_id)
        expect(len(new_ids) == 1, "the new owner is found", new_ids)
        rows = run("UPDATE VehicleRegistration AS r SET r.Owners.PrimaryOwner.PersonId = ? WHERE r.VIN = ?",
                   new_ids[0], ion(vin))
        expect(document_ids(rows) == [registration_ids[index]], "UPDATE returns the registration's documentId",
               document_ids(rows), [registration_ids[index]])
        registrations[index]["Owners"]["PrimaryOwner"]["PersonId"] = new_ids[0]
        owner_id, owner = primary_owner(vin)
        expect(owner_id == new_ids[0] and owner["GovId"] == new_gov_id, "the vehicle has its new primary owner",
               (owner_id, str(owner["GovId"])), (new_ids[0], new_gov_id))

    transfer(VEHICLES[0]["VIN"], PEOPLE[0]["GovId"], PEOPLE[1]["GovId"], 0)
    done()

    # query_history.py: the registration's primary owners over the last 90 days (ending one second ago).
    step = "query_history"
    time.sleep(1.5)  # the window ends one second before now: let it include the transfer
    vin = REGISTRATIONS[0]["VIN"]
    found = ids_of("VehicleRegistration", "VIN", vin)
    expect(found == [registration_ids[0]], "the registration's id by VIN", found, [registration_ids[0]])
    end = datetime.now(timezone.utc) - timedelta(seconds=1)
    start = end - timedelta(days=90)
    query = ("SELECT data.Owners.PrimaryOwner, metadata.version FROM history({}, {}, {}) AS h "
             "WHERE h.metadata.id = ?")
    rows = run(query.format("VehicleRegistration", history_time(start), history_time(end)), found[0])
    expect_rows(sorted(rows, key=lambda r: int(r["version"])),
                [{"PrimaryOwner": {"PersonId": person_ids[0]}, "version": 0},
                 {"PrimaryOwner": {"PersonId": person_ids[1]}, "version": 1}],
                "both revisions, with the old and the new primary owner", ordered=True)
    # The sample's 'no modification history in the time frame' branch: a window before the ledger existed.
    rows = run(query.format("VehicleRegistration", history_time(start - timedelta(days=90)),
                            history_time(start)), found[0])
    expect(rows == [], "no revision in a window that ends 90 days ago")
    done()

    def committed(vin, index, version):
        rows = run("SELECT * FROM _ql_committed_VehicleRegistration WHERE data.VIN = ?", ion(vin))
        expect(len(rows) == 1, "the committed view has one row: the latest revision", len(rows), 1)
        row = rows[0]
        expect(sorted(row.keys()) == ["blockAddress", "data", "hash", "metadata"],
               "committed view row fields", sorted(row.keys()), ["blockAddress", "data", "hash", "metadata"])
        address = row["blockAddress"]
        expect(sorted(address.keys()) == ["sequenceNo", "strandId"] and isinstance(address["strandId"], str)
               and isinstance(address["sequenceNo"], int) and address["sequenceNo"] > 0,
               "blockAddress is {strandId: string, sequenceNo: int}", text(address))
        expect(row["hash"].ion_type is IonType.BLOB and len(row["hash"]) == 32, "hash is a 32-byte blob",
               text(row["hash"]))
        metadata = row["metadata"]
        expect(sorted(metadata.keys()) == ["id", "txId", "txTime", "version"], "metadata fields",
               sorted(metadata.keys()), ["id", "txId", "txTime", "version"])
        expect(metadata["id"] == registration_ids[index] and metadata["version"] == version
               and metadata["txTime"].ion_type is IonType.TIMESTAMP and isinstance(metadata["txId"], str),
               "metadata: the registration's id, its version, a txTime timestamp and a txId string",
               text(metadata), f"id {registration_ids[index]}, version {version}")
        expect_rows([row["data"]], [registrations[index]], "data is the registration's current state")
        return row

    # get_revision.py (PartiQL part): the committed view of REGISTRATIONS[0], now at version 1.
    step = "get_revision"
    committed(REGISTRATIONS[0]["VIN"], 0, 1)
    done("committed view only; GetDigest/GetRevision skipped")

    # get_block.py (PartiQL part): the committed view of REGISTRATIONS[1] gives the block address to fetch.
    step = "get_block"
    committed(REGISTRATIONS[1]["VIN"], 1, 1)
    done("committed view only; GetBlock skipped")

    # redact_revision.py without the redaction: transfer VEHICLES[2] from PEOPLE[2] to PEOPLE[3], then, in one
    # transaction, find the table id, the registration, the previous owner and the revision that named them.
    step = "redact_revision"
    transfer(VEHICLES[2]["VIN"], PEOPLE[2]["GovId"], PEOPLE[3]["GovId"], 2)

    def lookups(txn):
        table_id = run_in(txn, "SELECT VALUE tableId FROM information_schema.user_tables WHERE name = '{}'"
                          .format("VehicleRegistration"))
        expect(table_id == [table_ids["VehicleRegistration"]], "information_schema.user_tables gives the tableId",
               text(table_id), [table_ids["VehicleRegistration"]])
        registration_id = ids_by(txn, "VehicleRegistration", "VIN", VEHICLES[2]["VIN"])
        expect(registration_id == [registration_ids[2]], "the registration by VIN", registration_id)
        previous_owner = ids_by(txn, "Person", "GovId", PEOPLE[2]["GovId"])
        expect(previous_owner == [person_ids[2]], "the previous owner by GovId", previous_owner)
        revisions = run_in(txn, "SELECT * FROM history({}) AS h WHERE h.metadata.id = '{}' AND "
                           "h.data.Owners.PrimaryOwner.PersonId = '{}'"
                           .format("VehicleRegistration", registration_id[0], previous_owner[0]))
        return revisions

    revisions = qldb.execute_lambda(lookups)
    expect(len(revisions) == 1 and revisions[0]["metadata"]["version"] == 0,
           "exactly one historic revision names the previous owner: version 0")
    expect("blockAddress" in revisions[0] and "hash" in revisions[0], "the revision has a blockAddress and a hash")
    original = copy.deepcopy(registrations[2])
    original["Owners"]["PrimaryOwner"]["PersonId"] = person_ids[2]
    expect_rows([revisions[0]["data"]], [original], "the historic revision's data is the original registration")
    rows = run("SELECT * FROM history({}) AS h WHERE h.metadata.id = '{}' AND h.metadata.version = {}"
               .format("VehicleRegistration", registration_ids[2], 0))
    expect(len(rows) == 1 and "data" in rows[0] and "dataHash" not in rows[0],
           "the version-0 revision is still there, unredacted (EXEC redact_revision skipped)")
    expect(rows[0]["blockAddress"] == revisions[0]["blockAddress"] and rows[0]["hash"] == revisions[0]["hash"],
           "the same revision either way")
    done("EXEC redact_revision skipped")

    # insert_ion_types.py: every Ion type round-trips through UPDATE ... SET Name = ? and SELECT VALUE Name.
    step = "insert_ion_types"
    rows = run("CREATE TABLE IonTypes")
    expect(len(rows) == 1 and "tableId" in rows[0], "CREATE TABLE IonTypes returns its tableId")
    ion_types_id = str(rows[0]["tableId"])
    inserted = document_ids(run("INSERT INTO IonTypes ?", ion([{"Name": "val"}])))
    expect(len(inserted) == 1, "one document inserted")
    cases = [
        (b"hello", IonPyBytes, IonType.BLOB), (True, IonPyBool, IonType.BOOL), (0.2, IonPyFloat, IonType.FLOAT),
        (Decimal("0.1"), IonPyDecimal, IonType.DECIMAL), ("string", IonPyText, IonType.STRING),
        (1, IonPyInt, IonType.INT), (None, IonPyNull, IonType.NULL),
        (datetime(2016, 12, 20, 5, 23, 43), IonPyTimestamp, IonType.TIMESTAMP), ([1, 2], IonPyList, IonType.LIST),
        ({"brand": "Ford"}, IonPyDict, IonType.STRUCT),
        (ion(loads('{{"This is a CLOB of text."}}')), IonPyBytes, IonType.CLOB),
        (ion(b"hello"), IonPyBytes, IonType.BLOB), (ion(True), IonPyBool, IonType.BOOL),
        (ion(Decimal("0.1")), IonPyDecimal, IonType.DECIMAL), (ion(0.2), IonPyFloat, IonType.FLOAT),
        (ion(1), IonPyInt, IonType.INT), (ion([1, 2]), IonPyList, IonType.LIST), (ion(None), IonPyNull, IonType.NULL),
        (ion(loads("(cons 1 2)")), IonPyList, IonType.SEXP), (ion("string"), IonPyText, IonType.STRING),
        (ion({"brand": "Ford"}), IonPyDict, IonType.STRUCT),
        (ion(SymbolToken(text="abc", sid=123)), IonPySymbol, IonType.SYMBOL),
        (ion(datetime(2016, 12, 20, 5, 23, 43)), IonPyTimestamp, IonType.TIMESTAMP),
    ] + [(ion(loads(f"null.{name}")), IonPyNull, getattr(IonType, name.upper()))
         for name in ["clob", "blob", "bool", "decimal", "float", "int", "list", "sexp", "string", "struct",
                      "symbol", "timestamp"]]
    for parameter, python_type, ion_type in cases:
        updated = run("UPDATE IonTypes SET Name = ?", parameter)
        expect(document_ids(updated) == inserted, f"UPDATE with a {ion_type.name} returns the documentId")
        values = run("SELECT VALUE Name FROM IonTypes")
        expect(len(values) == 1, "one value")
        value = values[0]
        expect(isinstance(value, python_type) and value.ion_type is ion_type,
               f"the value comes back as {python_type.__name__} of type {ion_type.name}",
               f"{type(value).__name__} {getattr(value, 'ion_type', None)}", f"{python_type.__name__} {ion_type}")
        expect(canon(value) == canon(ion(parameter)), f"the {ion_type.name} value round-trips",
               text(value), text(ion(parameter)))
    rows = run("DROP TABLE IonTypes")
    expect_rows(rows, [{"tableId": ion_types_id}], "DROP TABLE returns the tableId")
    tables = sorted(str(t) for t in qldb.list_tables())
    expect(tables == TABLES, "the dropped table is no longer listed", tables, TABLES)
    done(f"{len(cases)} values")

    # scan_table.py once more: every table holds exactly the tutorial's end state.
    step = "scan_table_final"
    people = PEOPLE + [NEW_PERSON]
    contents = {"Person": people, "Vehicle": VEHICLES, "VehicleRegistration": registrations,
                "DriversLicense": licenses}
    for table in qldb.list_tables():
        rows = run(f"SELECT * FROM {table}")
        expect_rows(rows, contents[str(table)], f"SELECT * FROM {table} returns the end state")
    done()


try:
    main()
except SystemExit:
    raise
except Exception as error:  # noqa: BLE001 - any driver or server error fails the step it happened in
    detail = getattr(error, "response", {}).get("Error", {})
    message = f"{detail.get('Code')}: {detail.get('Message')}" if detail else f"{type(error).__name__}: {error}"
    fail(f"error {message}")
finally:
    qldb.close()
print(f"dmv tutorial: {passed} steps passed")
