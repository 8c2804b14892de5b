resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
  }

  resource admin 'sqlRoleDefinitions' = {
    name: guid('admin')
    properties: {
      roleName: 'admin'
      type: 'CustomRole'
      assignableScopes: [ account.id ]
      permissions: [
        { dataActions: [ '*' ] } // expect: CDB003
      ]
    }
  }
}
