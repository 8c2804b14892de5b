variable "password" {
  type      = string
  sensitive = true
}

resource "azapi_resource" "account" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-08-15"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  name      = "orders-mongo"
  location  = "westeurope"
  body = {
    kind = "MongoDB"
    properties = {
      databaseAccountOfferType = "Standard"
      capabilities             = [{ name = "EnableMongoRoleBasedAccessControl" }]
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

resource "azapi_resource" "app" {
  type      = "Microsoft.DocumentDB/databaseAccounts/mongodbUserDefinitions@2024-08-15"
  parent_id = azapi_resource.account.id
  name      = "sales.app"
  body = {
    properties = {
      userName     = "app"
      password     = var.password
      databaseName = "sales"
      mechanisms   = "SCRAM-SHA-256"
      roles = [
        { db = "sales", role = "readWrite" },
        { db = "sales", role = "ordersAdmin" }, # expect: CDB010
      ]
    }
  }
}
