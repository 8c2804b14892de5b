resource "azurerm_cosmosdb_account" "mongo" { # expect: CDB009
  name                = "orders-mongo"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  kind                = "MongoDB"

  capabilities {
    name = "EnableMongo"
  }
  consistency_policy { consistency_level = "Session" }
  geo_location {
    location          = "westeurope"
    failover_priority = 0
  }
}

resource "azurerm_cosmosdb_mongo_database" "sales" {
  name                = "sales"
  resource_group_name = "rg"
  account_name        = azurerm_cosmosdb_account.mongo.name
}

variable "app_password" {
  type      = string
  sensitive = true
}

# A native user, but the account does not turn native role-based access control on.
resource "azurerm_cosmosdb_mongo_user_definition" "app" {
  cosmos_mongo_database_id = azurerm_cosmosdb_mongo_database.sales.id
  username                 = "app"
  password                 = var.app_password
  inherited_role_names     = ["read"]
}
