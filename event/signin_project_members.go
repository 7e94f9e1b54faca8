package event

import "slices"

// The keys the projected sign-in decoder reads (see ProjectSignIns), with
// how it reads each: the Graph signIn's, the Azure Monitor envelope's, and
// those of the nested objects it decodes itself.

// signInMembers is every key the projected decoder can read, with how.
// The Graph members are read at the top of a Graph record and under an
// Azure Monitor record's properties, whose nested key set differs.
func signInMembers() []memberOf {
	s := func(key string, dst func(ev *SignInEvent) *string) memberOf {
		return memberOf{key: key, read: text(dst)}
	}
	env := func(key string, dst func(ev *SignInEvent) *string) memberOf {
		return memberOf{key: "@" + key, envelope: true, read: text(dst)}
	}
	flexEnv := func(key string, dst func(d *projDecode) *string) memberOf {
		return memberOf{key: "@" + key, envelope: true, read: flex(dst)}
	}
	nested := func(key string, dst func(ev *SignInEvent) any) memberOf {
		return memberOf{key: key, read: whole(dst)}
	}
	return []memberOf{
		s("id", func(e *SignInEvent) *string { return &e.ID }),
		{key: "createdDateTime", always: true, read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.str(&d.created, data, i)
		}},
		s("userDisplayName", func(e *SignInEvent) *string { return &e.UserDisplayName }),
		s("userPrincipalName", func(e *SignInEvent) *string { return &e.UserPrincipalName }),
		s("userId", func(e *SignInEvent) *string { return &e.UserID }),
		s("appId", func(e *SignInEvent) *string { return &e.AppID }),
		s("appDisplayName", func(e *SignInEvent) *string { return &e.AppDisplayName }),
		s("ipAddress", func(e *SignInEvent) *string { return &e.IPAddress }),
		s("clientAppUsed", func(e *SignInEvent) *string { return &e.ClientAppUsed }),
		s("correlationId", func(e *SignInEvent) *string { return &e.CorrelationID }),
		s("conditionalAccessStatus", func(e *SignInEvent) *string { return &e.ConditionalAccessStatus }),
		{key: "isInteractive", read: func(d *projDecode, data []byte, i int) (int, bool) {
			switch {
			case data[i] == 'n':
				return skipValue(data, i)
			case data[i] == 't':
				d.scalar().interactive = true
			case data[i] != 'f':
				return 0, false
			}
			d.ev.IsInteractive = &d.scalar().interactive
			return skipValue(data, i)
		}},
		s("riskDetail", func(e *SignInEvent) *string { return &e.RiskDetail }),
		s("riskLevelAggregated", func(e *SignInEvent) *string { return &e.RiskLevelAggregated }),
		s("riskLevelDuringSignIn", func(e *SignInEvent) *string { return &e.RiskLevelDuringSignIn }),
		s("riskState", func(e *SignInEvent) *string { return &e.RiskState }),
		nested("riskEventTypes", func(e *SignInEvent) any { return &e.RiskEventTypes }),
		nested("riskEventTypes_v2", func(e *SignInEvent) any { return &e.RiskEventTypesV2 }),
		s("resourceDisplayName", func(e *SignInEvent) *string { return &e.ResourceDisplayName }),
		s("resourceId", func(e *SignInEvent) *string { return &e.ResourceID }),
		{key: "status", read: readStatus},
		nested("deviceDetail", func(e *SignInEvent) any { return &e.DeviceDetail }),
		{key: "location", read: objectOf(func(p *signInProjection) *memberTable { return p.location })},
		nested("appliedConditionalAccessPolicies", func(e *SignInEvent) any { return &e.AppliedConditionalAccessPolicies }),
		{key: "authenticationDetails", read: readAuthDetails},
		s("authenticationRequirement", func(e *SignInEvent) *string { return &e.AuthenticationRequirement }),
		s("authenticationProtocol", func(e *SignInEvent) *string { return &e.AuthenticationProtocol }),
		s("userAgent", func(e *SignInEvent) *string { return &e.UserAgent }),
		s("userType", func(e *SignInEvent) *string { return &e.UserType }),
		s("tokenIssuerType", func(e *SignInEvent) *string { return &e.TokenIssuerType }),
		s("crossTenantAccessType", func(e *SignInEvent) *string { return &e.CrossTenantAccessType }),
		s("servicePrincipalId", func(e *SignInEvent) *string { return &e.ServicePrincipalID }),
		s("servicePrincipalName", func(e *SignInEvent) *string { return &e.ServicePrincipalName }),
		{key: "processingTimeInMilliseconds", read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.int32p(data, i, &d.scalar().processing, &d.ev.ProcessingTimeInMilliseconds)
		}},
		{key: "mfaDetail", read: objectOf(func(p *signInProjection) *memberTable { return p.mfa })},

		// The Azure Monitor envelope.
		{key: "@time", envelope: true, always: true, read: flex(func(d *projDecode) *string { return &d.time })},
		env("operationName", func(e *SignInEvent) *string { return &e.Envelope.OperationName }),
		{key: "@category", envelope: true, always: true, read: text(func(e *SignInEvent) *string { return &e.Envelope.Category })},
		env("tenantId", func(e *SignInEvent) *string { return &e.Envelope.TenantID }),
		flexEnv("resultType", func(d *projDecode) *string { return &d.ev.Envelope.ResultType }),
		env("resultDescription", func(e *SignInEvent) *string { return &e.Envelope.ResultDescription }),
		env("callerIpAddress", func(e *SignInEvent) *string { return &e.Envelope.CallerIPAddress }),
		env("correlationId", func(e *SignInEvent) *string { return &e.Envelope.CorrelationID }),
		flexEnv("identity", func(d *projDecode) *string { return &d.ev.Envelope.Identity }),
		flexEnv("Level", func(d *projDecode) *string { return &d.level[0] }),
		flexEnv("level", func(d *projDecode) *string { return &d.level[1] }),
		env("location", func(e *SignInEvent) *string { return &e.Envelope.Location }),
		{key: "@properties", envelope: true, always: true, read: readProperties},
	}
}

// readProperties reads an Azure Monitor record's signIn.
func readProperties(d *projDecode, data []byte, i int) (int, bool) {
	if data[i] != '{' {
		return 0, false // null, or not an object: the full decoder says what
	}
	d.hasProp = true
	return d.object(data, i, d.p.graph)
}

// statusMembers are the keys of the status object.
func statusMembers() []memberOf {
	return []memberOf{
		{key: "errorCode", read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.int32p(data, i, &d.scalar().errorCode, &d.ev.Status.ErrorCode)
		}},
		{key: "failureReason", read: text(func(e *SignInEvent) *string { return &e.Status.FailureReason })},
		{key: "additionalDetails", read: text(func(e *SignInEvent) *string { return &e.Status.AdditionalDetails })},
	}
}

// readStatus reads the status object: the error code and two strings,
// the members most rules read, without goccy.
func readStatus(d *projDecode, data []byte, i int) (int, bool) {
	switch data[i] {
	case 'n':
		return skipValue(data, i)
	case '{':
	default:
		return 0, false
	}
	return d.object(data, i, d.p.status)
}

// readAuthDetails reads the authentication steps as the full decoder
// does (goccy into []authDetailWire): each step's strings and succeeded,
// and its time loosely, zero when it is not a timestamp.
func readAuthDetails(d *projDecode, data []byte, i int) (int, bool) {
	switch data[i] {
	case 'n':
		return skipValue(data, i)
	case '[':
	default:
		return 0, false
	}
	// Count the steps, so that the slice is made once and the strings
	// kept for its elements stay where they are.
	n := 0
	j := skipSpace(data, i+1)
	if j < len(data) && data[j] != ']' {
		for {
			if j >= len(data) {
				return 0, false
			}
			end, ok := skipValue(data, j)
			if !ok {
				return 0, false
			}
			n++
			j = skipSpace(data, end)
			if j >= len(data) || data[j] != ',' {
				break
			}
			j = skipSpace(data, j+1)
		}
	}
	if j >= len(data) || data[j] != ']' {
		return 0, false
	}
	steps := make([]AuthenticationDetail, n)
	// Room for every step's time, so that the texts kept for them stay
	// where they are.
	d.stepTimes = slices.Grow(d.stepTimes, n)
	j = skipSpace(data, i+1)
	for k := range steps {
		var ok bool
		switch data[j] {
		case 'n':
			j, ok = skipValue(data, j)
		case '{':
			d.step = &steps[k]
			j, ok = d.object(data, j, d.p.steps)
		}
		if !ok {
			return 0, false
		}
		j = skipSpace(data, j)
		if data[j] == ',' {
			j = skipSpace(data, j+1)
		}
	}
	d.step = nil
	d.ev.AuthenticationDetails = steps
	return j + 1, true
}

// stepMembers are the keys of an authentication step.
func stepMembers() []memberOf {
	s := func(key string, dst func(st *AuthenticationDetail) *string) memberOf {
		return memberOf{key: key, read: func(d *projDecode, data []byte, i int) (int, bool) {
			return d.str(dst(d.step), data, i)
		}}
	}
	return []memberOf{
		s("authenticationMethod", func(st *AuthenticationDetail) *string { return &st.AuthenticationMethod }),
		s("authenticationMethodDetail", func(st *AuthenticationDetail) *string { return &st.AuthenticationMethodDetail }),
		s("authenticationStepRequirement", func(st *AuthenticationDetail) *string { return &st.AuthenticationStepRequirement }),
		s("authenticationStepResultDetail", func(st *AuthenticationDetail) *string { return &st.AuthenticationStepResultDetail }),
		{key: "succeeded", read: func(d *projDecode, data []byte, i int) (int, bool) {
			switch data[i] {
			case 'n':
				return skipValue(data, i)
			case 't', 'f':
				end, ok := skipValue(data, i)
				if !ok {
					return 0, false
				}
				v := data[i] == 't'
				if v {
					d.step.Succeeded = &d.scalar().yes
				} else {
					d.step.Succeeded = &d.scalar().no
				}
				return end, true
			}
			return 0, false
		}},
		{key: "authenticationStepDateTime", read: func(d *projDecode, data []byte, i int) (int, bool) {
			// Read loosely, as looseTime does: a string, or anything
			// else as no time.
			end, ok := skipValue(data, i)
			if !ok || data[i] != '"' {
				return end, ok
			}
			d.stepTimes = append(d.stepTimes, stepTime{step: d.step})
			return d.str(&d.stepTimes[len(d.stepTimes)-1].text, data, i)
		}},
	}
}

// objectOf reads an object (or null) by the members of the table table
// gives.
func objectOf(table func(p *signInProjection) *memberTable) func(d *projDecode, data []byte, i int) (int, bool) {
	return func(d *projDecode, data []byte, i int) (int, bool) {
		switch data[i] {
		case 'n':
			return skipValue(data, i)
		case '{':
			return d.object(data, i, table(d.p))
		}
		return 0, false
	}
}

// locationMembers are the keys of the location.
func locationMembers() []memberOf {
	return []memberOf{
		{key: "city", read: text(func(e *SignInEvent) *string { return &e.Location.City })},
		{key: "state", read: text(func(e *SignInEvent) *string { return &e.Location.State })},
		{key: "countryOrRegion", read: text(func(e *SignInEvent) *string { return &e.Location.CountryOrRegion })},
		{key: "geoCoordinates", read: objectOf(func(p *signInProjection) *memberTable { return p.geo })},
	}
}

// geoMembers are the keys of the coordinates: numbers, kept as text and
// parsed when the strings are made.
func geoMembers() []memberOf {
	num := func(key string, i int) memberOf {
		return memberOf{key: key, read: func(d *projDecode, data []byte, at int) (int, bool) {
			switch c := data[at]; {
			case c == 'n':
				return skipValue(data, at)
			case c == '-' || c >= '0' && c <= '9':
				end, ok := skipValue(data, at)
				return end, ok && d.keep(&d.geoText[i], at, end)
			}
			return 0, false
		}}
	}
	return []memberOf{num("altitude", 0), num("latitude", 1), num("longitude", 2)}
}

// mfaMembers are the keys of the MFA detail.
func mfaMembers() []memberOf {
	return []memberOf{
		{key: "authMethod", read: text(func(e *SignInEvent) *string { return &e.MFADetail.AuthMethod })},
		{key: "authDetail", read: text(func(e *SignInEvent) *string { return &e.MFADetail.AuthDetail })},
	}
}
