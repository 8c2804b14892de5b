resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: 'contoso-main'
  location: 'westeurope'
  properties: {
    databaseAccountOfferType: 'Standard'
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: 'contoso-kv'
}

resource secret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'cosmos-key'
  properties: {
    value: account.listKeys().primaryMasterKey // expect: CDB014
  }
}

resource legacy 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'cosmos-connection'
  properties: {
    value: listConnectionStrings(account.id, '2024-05-15').connectionStrings[0].connectionString // expect: CDB014
  }
}
