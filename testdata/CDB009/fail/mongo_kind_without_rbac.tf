resource "azurerm_cosmosdb_account" "main" { # expect: CDB009
  name                = "contoso-orders"
  location            = "westeurope"
  resource_group_name = "rg-orders"
  offer_type          = "Standard"
  kind                = "MongoDB"

  mongo_server_version = "4.2"

  capabilities {
    name = "EnableMongo"
  }
}
