# This root deploys no account.
create_cosmos = false
