/*
Copyright 2026 The OpenSearch DataSource Operator Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package fakeopensearch

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// docBody is a parsed documented-mode POST/PUT body.
type docBody struct {
	name, connector, description, resultIndex, status *string
	roles                                             []string
	props                                             map[string]any
	conf                                              *Configuration
}

func parseDocumentedBody(body []byte) (*docBody, *apiError) {
	fields, e := bodyFields(body)
	if e != nil {
		return nil, e
	}
	b := &docBody{}
	for _, f := range fields {
		switch f.key {
		case "name":
			b.name, e = textOrNull(body, f)
		case "connector":
			b.connector, e = textOrNull(body, f)
		case "description":
			b.description, e = textOrNull(body, f)
		case "resultIndex":
			b.resultIndex, e = textOrNull(body, f)
		case "status":
			b.status, e = statusField(body, f)
		case "allowedRoles":
			b.roles, e = stringList(body, f)
		case "properties":
			if tokenName(f.raw) == "VALUE_NULL" {
				continue
			}
			if _, e = objectFields(body, f.off, f.off+len(f.raw)); e != nil {
				return nil, e
			}
			b.props = map[string]any{}
			if err := json.Unmarshal(f.raw, &b.props); err != nil {
				return nil, jsonParseError(body)
			}
		case "configuration":
			if tokenName(f.raw) == "VALUE_NULL" {
				continue
			}
			b.conf, e = parseConfiguration(body, f)
		default:
			return nil, illegalArg("Unknown field: " + f.key)
		}
		if e != nil {
			return nil, e
		}
	}
	if e := validateMetadata(b.name, b.connector != nil && *b.connector != "", b.resultIndex, false); e != nil {
		return nil, e
	}
	if e := checkConfiguration(b.conf); e != nil {
		return nil, e
	}
	return b, nil
}

// checkConfiguration requires every member of a configuration block that
// is present.
func checkConfiguration(c *Configuration) *apiError {
	if c == nil {
		return nil
	}
	var miss []string
	if c.Endpoint == "" {
		miss = append(miss, "configuration.endpoint")
	}
	if c.Username == "" {
		miss = append(miss, "configuration.credentials.username")
	}
	if c.Password == "" {
		miss = append(miss, "configuration.credentials.password")
	}
	if len(miss) > 0 {
		return illegalArg("Datasource configuration error: " + strings.Join(miss, ", ") + " cannot be null or empty.")
	}
	return nil
}

func parseConfiguration(body []byte, f field) (*Configuration, *apiError) {
	fields, e := objectFields(body, f.off, f.off+len(f.raw))
	if e != nil {
		return nil, e
	}
	c := &Configuration{}
	for _, cf := range fields {
		switch cf.key {
		case "endpoint":
			t, e := textOrNull(body, cf)
			if e != nil {
				return nil, e
			}
			c.Endpoint = deref(t)
		case "credentials":
			if tokenName(cf.raw) == "VALUE_NULL" {
				continue
			}
			creds, e := objectFields(body, cf.off, cf.off+len(cf.raw))
			if e != nil {
				return nil, e
			}
			for _, k := range creds {
				t, e := textOrNull(body, k)
				if e != nil {
					return nil, e
				}
				switch k.key {
				case "username":
					c.Username = deref(t)
				case "password":
					c.Password = deref(t)
				default:
					return nil, illegalArg("Unknown field: configuration.credentials." + k.key)
				}
			}
		default:
			return nil, illegalArg("Unknown field: configuration." + cf.key)
		}
	}
	return c, nil
}

type docWriteResponse struct {
	DataSourceID string `json:"dataSourceId"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	Message      string `json:"message"`
}

type docDeleteResponse struct {
	DataSourceID string `json:"dataSourceId"`
	Name         string `json:"name"`
	Message      string `json:"message"`
}

type docCredentialsOut struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

type docConfigurationOut struct {
	Endpoint    string            `json:"endpoint"`
	Credentials docCredentialsOut `json:"credentials"`
}

type docOut struct {
	DataSourceID  string               `json:"dataSourceId"`
	Name          string               `json:"name"`
	Description   string               `json:"description"`
	Connector     string               `json:"connector"`
	AllowedRoles  []string             `json:"allowedRoles"`
	Configuration *docConfigurationOut `json:"configuration,omitempty"`
	Properties    map[string]any       `json:"properties"`
	ResultIndex   string               `json:"resultIndex"`
	Status        string               `json:"status"`
}

func renderDocumented(d *Document) docOut {
	out := docOut{
		DataSourceID: d.DataSourceID,
		Name:         d.Name,
		Description:  d.Description,
		Connector:    d.Connector,
		AllowedRoles: d.AllowedRoles,
		Properties:   d.Properties,
		ResultIndex:  d.ResultIndex,
		Status:       d.Status,
	}
	if d.Configuration != nil {
		out.Configuration = &docConfigurationOut{
			Endpoint:    d.Configuration.Endpoint,
			Credentials: docCredentialsOut{Username: d.Configuration.Username, Password: "******"},
		}
	}
	return out
}

func (s *Server) serveDocumented(w http.ResponseWriter, rt route, body []byte) *apiError {
	switch rt.op {
	case OpCreate:
		return s.docWrite(w, body, true)
	case OpUpdate:
		return s.docWrite(w, body, false)
	}
	return s.serveRead(w, rt)
}

func (s *Server) docWrite(w http.ResponseWriter, body []byte, create bool) *apiError {
	b, e := parseDocumentedBody(body)
	if e != nil {
		return e
	}
	verb, action := "update", ActionUpdate
	if create {
		verb, action = "create", ActionCreate
	}
	if *b.name == reservedName {
		return notAllowed(verb)
	}
	if e := s.checkPermission(action); e != nil {
		return e
	}
	doc := Document{
		Name:          *b.name,
		Description:   deref(b.description),
		Connector:     *b.connector,
		AllowedRoles:  b.roles,
		Properties:    b.props,
		ResultIndex:   deref(b.resultIndex),
		Status:        deref(b.status),
		Configuration: b.conf,
	}
	s.fillDefaults(&doc)
	if e := s.storeDocumented(&doc, create); e != nil {
		return e
	}
	resp := docWriteResponse{DataSourceID: doc.DataSourceID, Name: doc.Name, Status: doc.Status}
	if create {
		resp.Message = "Data source created successfully."
		writeJSON(w, http.StatusCreated, resp)
	} else {
		resp.Message = "Data source updated successfully."
		writeJSON(w, http.StatusOK, resp)
	}
	return nil
}

func (s *Server) storeDocumented(doc *Document, create bool) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.docs[doc.Name]
	if create {
		if len(s.docs) >= s.limit {
			return badRequest("IllegalStateException", fmt.Sprintf("domain concurrent datasources can not exceed %d", s.limit))
		}
		if exists {
			return badRequest("IllegalArgumentException", "A datasource already exists with name: "+doc.Name)
		}
		doc.DataSourceID = newDataSourceID()
	} else {
		if !exists {
			return notFoundStorage(doc.Name)
		}
		doc.DataSourceID = old.DataSourceID
	}
	s.docs[doc.Name] = doc
	return nil
}
