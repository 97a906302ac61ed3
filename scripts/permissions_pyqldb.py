"""The official Python driver under several identities against `qldb serve --iam` in STANDARD mode.

Usage: permissions_pyqldb.py ENDPOINT LEDGER

The identities are the seed's (Tests/QLDBLedgerTests/Fixtures/seed-iam.json, served without its
endpoint policy so that the table-creating role, outside the VPC, can reach the ledger): the
table-creating role creates the table and may do nothing else; the licence Lambda's role, with its
temporary key and session token, inserts, reads and updates and may not delete or drop; the
administrator may do anything. One line `ok <step>` per step; a mismatch raises.
"""
import sys

from botocore.exceptions import ClientError
from pyqldb.driver.qldb_driver import QldbDriver

endpoint, ledger = sys.argv[1:3]


def driver(key, secret, token=None):
    return QldbDriver(ledger, region_name="eu-west-1", endpoint_url=endpoint, aws_access_key_id=key,
                      aws_secret_access_key=secret, aws_session_token=token)


def denied(driver, statement, action):
    try:
        driver.execute_lambda(lambda t: t.execute_statement(statement))
    except ClientError as error:
        code = error.response["Error"]["Code"]
        message = error.response["Error"]["Message"]
        assert code == "AccessDeniedException", f"{statement}: {code} {message}"
        assert f"is not authorized to perform: {action} on resource: arn:aws:qldb:eu-west-1:123456789012:ledger/{ledger}" in message, message
        return
    raise AssertionError(f"{statement} was allowed")


creator = driver("AKIASEEDTABLECREATOR", "seed-table-creator-secret")
lambda_role = driver("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", "seed-lambda-session-token")
admin = driver("AKIASEEDADMINISTRATR", "seed-admin-secret")

creator.execute_lambda(lambda t: t.execute_statement("CREATE TABLE Licence"))
denied(creator, "INSERT INTO Licence VALUE {'email': 'x@example.com'}", "qldb:PartiQLInsert")
denied(creator, "SELECT * FROM Licence", "qldb:PartiQLSelect")
denied(creator, "CREATE TABLE Tagged WITH (aws_tags = `{'environment': 'dev'}`)", "qldb:TagResource")
print("ok table-creating role: CREATE TABLE only (tags at creation need qldb:TagResource, which it lacks)")

lambda_role.execute_lambda(lambda t: t.execute_statement("INSERT INTO Licence VALUE {'email': 'ann@example.com', 'points': 0}"))
lambda_role.execute_lambda(lambda t: t.execute_statement("UPDATE Licence AS l SET l.points = 3 WHERE l.email = 'ann@example.com'"))
rows = lambda_role.execute_lambda(lambda t: list(t.execute_statement("SELECT VALUE l.points FROM Licence AS l")))
assert rows == [3], rows
denied(lambda_role, "DELETE FROM Licence", "qldb:PartiQLDelete")
denied(lambda_role, "DROP TABLE Licence", "qldb:PartiQLDropTable")
denied(lambda_role, "CREATE TABLE Other", "qldb:PartiQLCreateTable")
denied(lambda_role, "SELECT * FROM history(Licence)", "qldb:PartiQLHistoryFunction")
print("ok licence Lambda role (temporary key, session token): insert, update, select; no delete, drop, create, history")

wrong_token = driver("ASIASEEDLAMBDAROLE01", "seed-lambda-secret", "not-the-token")
try:
    wrong_token.execute_lambda(lambda t: t.execute_statement("SELECT * FROM Licence"))
    raise AssertionError("a wrong session token was accepted")
except ClientError as error:
    assert error.response["Error"]["Code"] == "UnrecognizedClientException", error.response
print("ok the Lambda role's key without its session token is refused")

admin.execute_lambda(lambda t: t.execute_statement("DELETE FROM Licence"))
print("ok administrator (qldb:* on *): DELETE")
tagged = admin.execute_lambda(lambda t: list(t.execute_statement(
    "CREATE TABLE Tagged WITH (aws_tags = `{'environment': 'dev'}`)")))
assert len(tagged) == 1 and "tableId" in tagged[0], tagged
print("ok administrator: CREATE TABLE … WITH (aws_tags = …)")
