resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: 'contosostore'
  location: 'westeurope'
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'contoso-kv'
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'storage-key'
  properties: {
    value: storage.listKeys().keys[0].value
  }
}
