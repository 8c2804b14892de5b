disable_local_auth = true
