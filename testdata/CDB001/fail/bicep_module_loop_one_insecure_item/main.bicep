var teams = [
  {
    name: 'team-a'
    disableLocalAuth: true
  }
  {
    name: 'team-b'
    disableLocalAuth: false
  }
]

module cosmos 'cosmos.bicep' = [for t in teams: {
  name: 'cosmos-${t.name}'
  params: {
    accountName: t.name
    disableLocalAuth: t.disableLocalAuth
  }
}]
