# The account is in a registry module that `terraform init` installed; it leaves public
# network access at the provider's default. The finding names the call in this file.
module "cosmos" {
  source  = "contoso/cosmos/azurerm"
  version = "1.2.0"
}
