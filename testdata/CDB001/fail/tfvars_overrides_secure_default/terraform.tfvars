disable_local_auth = false
