param principalId string

resource account 'Microsoft.DocumentDB/databaseAccounts@2026-03-15' = {
  name: 'contoso-tables'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    capabilities: [
      { name: 'EnableTable' }
    ]
    disableLocalAuth: true
  }
}

resource reader 'Microsoft.DocumentDB/databaseAccounts/tableRoleDefinitions@2026-03-15' = {
  parent: account
  name: '9f4e6a5c-0b1d-4c3e-8a7f-2d6b5e4c3a21'
  properties: {
    roleName: 'table-reader'
    type: 'CustomRole'
    assignableScopes: [
      account.id
    ]
    permissions: [
      {
        dataActions: [
          'Microsoft.DocumentDB/databaseAccounts/readMetadata'
          'Microsoft.DocumentDB/databaseAccounts/tables/containers/entities/read'
        ]
      }
    ]
  }
}

// A typo in the GUID: 9f4e6a5c-…-2d6b5e4c3a12 instead of …3a21.
resource appAccess 'Microsoft.DocumentDB/databaseAccounts/tableRoleAssignments@2026-03-15' = {
  parent: account
  name: guid(account.id, principalId, 'reader')
  properties: {
    roleDefinitionId: '${account.id}/tableRoleDefinitions/9f4e6a5c-0b1d-4c3e-8a7f-2d6b5e4c3a12' // expect: CDB010
    principalId: principalId
    scope: '${account.id}/dbs/TablesDB'
  }
}
