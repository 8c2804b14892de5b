# Without `terraform init`, a registry module's contents are unknown: no finding.
module "cosmos" {
  source  = "contoso/cosmos/azurerm"
  version = "1.2.0"

  disable_local_auth = false
}
