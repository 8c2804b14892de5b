param workspaceId string

