resource "azurerm_cosmosdb_account" "main" { # expect: CDB013
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
}

# Not followed, but nothing of the account is passed to it: it cannot connect to it.
module "network" {
  source  = "Azure/avm-res-network-virtualnetwork/azurerm"
  version = "0.7.1"

  address_space = ["10.0.0.0/16"]
}
