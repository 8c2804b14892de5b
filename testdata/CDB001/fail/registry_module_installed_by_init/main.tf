# A registry module is followed when `terraform init` has installed it and recorded it in
# .terraform/modules/modules.json.
module "cosmos" {
  source  = "contoso/cosmos/azurerm"
  version = "1.2.0"

  disable_local_auth = false
}
