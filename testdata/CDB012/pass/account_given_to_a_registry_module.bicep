resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-orders'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: 'westeurope'
        failoverPriority: 0
      }
    ]
  }
}

// A registry module is not followed offline; it is given the account and may deploy its
// diagnostic setting.
module diagnostics 'br:contoso.azurecr.io/bicep/diagnostic-settings:1.0.0' = {
  name: 'orders-diagnostics'
  params: {
    resourceId: account.id
    workspaceId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/logs'
  }
}
