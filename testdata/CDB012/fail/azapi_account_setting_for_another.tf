resource "azapi_resource" "orders" { # expect: CDB012
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-orders"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType = "Standard"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

resource "azapi_resource" "billing" {
  type      = "Microsoft.DocumentDB/databaseAccounts@2024-05-15"
  name      = "contoso-billing"
  parent_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-orders"
  location  = "westeurope"
  body = {
    properties = {
      databaseAccountOfferType = "Standard"
      locations                = [{ locationName = "westeurope", failoverPriority = 0 }]
    }
  }
}

# Only `billing` has a setting.
resource "azapi_resource" "billing_logs" {
  type      = "Microsoft.Insights/diagnosticSettings@2021-05-01-preview"
  name      = "billing-logs"
  parent_id = azapi_resource.billing.id
  body = {
    properties = {
      workspaceId = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs"
      logs        = [{ categoryGroup = "allLogs", enabled = true }]
    }
  }
}
