resource "azurerm_cosmosdb_account" "mongo" {
  name                = "orders-mongo"
  location            = "westeurope"
  resource_group_name = "rg"
  offer_type          = "Standard"
  kind                = "MongoDB"

  capabilities {
    name = "EnableMongoRoleBasedAccessControl"
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

resource "azurerm_cosmosdb_mongo_role_definition" "orders_reader" {
  cosmos_mongo_database_id = azurerm_cosmosdb_mongo_database.sales.id
  role_name                = "ordersReader"
  inherited_role_names     = ["read"]

  privilege {
    actions = ["insert", "find"]
    resource {
      db_name         = "sales"
      collection_name = "orders"
    }
  }
}

variable "app_password" {
  type      = string
  sensitive = true
}

resource "azurerm_cosmosdb_mongo_user_definition" "app" {
  cosmos_mongo_database_id = azurerm_cosmosdb_mongo_database.sales.id
  username                 = "app"
  password                 = "literal-password-never-printed"
  inherited_role_names     = [azurerm_cosmosdb_mongo_role_definition.orders_reader.role_name, "readWrite", "auditor"]
}
