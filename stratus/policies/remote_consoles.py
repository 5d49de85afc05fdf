from stratus.policies import base

REMOTE_CONSOLES = "os_compute_api:os-remote-consoles"
CONSOLE_AUTH_TOKENS = "os_compute_api:os-console-auth-tokens"


def list_rules():
    return [
        base.rule(REMOTE_CONSOLES, base.PROJECT_MEMBER_OR_ADMIN,
                  "Get a URL of a server's remote console (also the "
                  "deprecated os-getSerialConsole, os-getSPICEConsole and "
                  "os-getVNCConsole actions, up to 2.5)",
                  [("POST", "/servers/{server_id}/action "
                            "(os-getSerialConsole)"),
                   ("POST", "/servers/{server_id}/action "
                            "(os-getSPICEConsole)"),
                   ("POST", "/servers/{server_id}/action "
                            "(os-getVNCConsole)"),
                   ("POST", "/servers/{server_id}/remote-consoles")]),
        base.rule(CONSOLE_AUTH_TOKENS, base.ADMIN,
                  "Show the connection a console token grants",
                  [("GET", "/os-console-auth-tokens/{console_token}")]),
    ]
