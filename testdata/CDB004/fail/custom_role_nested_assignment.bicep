resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }

  resource writer 'sqlRoleDefinitions' = {
    name: guid('writer')
    properties: {
      roleName: 'writer'
      type: 'CustomRole'
      assignableScopes: [ account.id ]
      permissions: [
        {
          dataActions: [
            'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers/items/create'
          ]
        }
      ]
    }
  }

  resource assignment 'sqlRoleAssignments' = {
    name: guid('app')
    properties: {
      roleDefinitionId: writer.id
      principalId: '11111111-2222-3333-4444-555555555555'
      scope: '/' // expect: CDB004
    }
  }
}
