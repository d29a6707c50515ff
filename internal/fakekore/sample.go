package fakekore

// SampleGroups returns the two groups of the sample response on Kore.ai's Get Groups API page (Audit and
// RiskManagement), ids included, with jTitle null or "" and profColour "" exactly where the sample has them.
// Each call returns fresh values, so callers may modify the result.
func SampleGroups() []Group {
	return []Group{
		{
			ID:          "e-eed8e93a-79ff-523b-9545-4833c26xxxxx",
			Name:        "Audit",
			Description: Ptr("Audit Team"),
			ChildGroups: []any{},
			Users: []User{
				{
					ID:               "u-c32243f6-b4ba-5884-9527-a7efb9axxxxx",
					Email:            Ptr("sample1@example.com"),
					LastName:         Ptr("Sample1"),
					FirstName:        Ptr("Sample"),
					ProfileImage:     Ptr("profile.png"),
					ProfileColor:     Ptr("#ffd700"),
					ActivationStatus: Ptr("active"),
					JobTitle:         Ptr(""),
					OrgID:            Ptr("o-c2419ad3-e160-5bae-af32-6e62f11xxxxx"),
				},
				{
					ID:               "u-f2323ccf-b475-59a9-a52b-194698exxxxx",
					Email:            Ptr("sample2@example.com"),
					LastName:         Ptr("Sample2"),
					FirstName:        Ptr("Sample"),
					ProfileImage:     Ptr("profile.png"),
					ProfileColor:     Ptr(""),
					ActivationStatus: Ptr("active"),
					JobTitle:         nil,
					OrgID:            Ptr("o-8f992732-faa8-5191-bab5-db39efcxxxxx"),
				},
			},
			UserCount: Ptr(2),
		},
		{
			ID:          "e-8c91bfc5-8ecd-5707-9c35-7539297xxxxx",
			Name:        "RiskManagement",
			Description: Ptr("Risk Management Team"),
			ChildGroups: []any{},
			Users: []User{
				{
					ID:               "u-0204c8d7-24d4-5ggf-bd73-7c4eaf0xxxxx",
					Email:            Ptr("sample3@example.com"),
					LastName:         Ptr("Sample2"),
					FirstName:        Ptr("Sample"),
					ProfileImage:     Ptr("no-avatar"),
					ProfileColor:     Ptr("#2e8b57"),
					ActivationStatus: Ptr("active"),
					JobTitle:         Ptr(""),
					OrgID:            Ptr("o-1b67d2f0-4812-5083-8453-55b8f5fxxxxx"),
				},
				{
					ID:               "u-19ecg162-40cb-5f0c-b594-2ac5221xxxxx",
					Email:            Ptr("sample3@sampleemail.com"),
					LastName:         Ptr("Sample3"),
					FirstName:        Ptr("Sample"),
					ProfileImage:     Ptr("no-avatar"),
					ProfileColor:     Ptr("#ff0000"),
					ActivationStatus: Ptr("active"),
					JobTitle:         nil,
					OrgID:            Ptr("o-642h0c8a-6e89-5ffe-8tb4-0eacd11xxxxx"),
				},
			},
			UserCount: Ptr(2),
		},
	}
}
